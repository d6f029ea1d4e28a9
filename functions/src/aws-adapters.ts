import { createCognitoAdmin } from './data/cognito-admin.js';
import { createCognitoSignIn } from './data/cognito-sign-in.js';
import { createKmsContactSealer } from './data/kms-contact-sealer.js';
import { createKmsKeyring } from './data/kms-keyring.js';
import { registerAwsAdapters } from './runtime.js';

/**
 * Imported (for its effect) by the handlers that seal phone numbers or TOTP secrets, or sign
 * people in or administer accounts: it puts the KMS and Cognito clients into their bundles and nowhere else.
 */
registerAwsAdapters({
  kmsSealer: createKmsContactSealer,
  kmsKeyring: createKmsKeyring,
  cognitoSignIn: createCognitoSignIn,
  cognitoAdmin: createCognitoAdmin,
});
