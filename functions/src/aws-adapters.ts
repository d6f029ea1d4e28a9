import { createCognitoAdmin } from './data/cognito-admin.js';
import { createCognitoSignIn } from './data/cognito-sign-in.js';
import { createSqsInvitationQueue } from './data/invitation-queue.js';
import { createKmsContactSealer } from './data/kms-contact-sealer.js';
import { createKmsKeyring } from './data/kms-keyring.js';
import { createEndUserMessagingSender } from './data/sms-end-user-messaging.js';
import { registerAwsAdapters } from './runtime.js';

/**
 * Imported (for its effect) by the handlers that seal phone numbers or TOTP secrets, sign people
 * in, administer accounts, queue invitations or send them: it puts the KMS, Cognito, SQS and SMS
 * clients into their bundles and nowhere else.
 */
registerAwsAdapters({
  kmsSealer: createKmsContactSealer,
  kmsKeyring: createKmsKeyring,
  cognitoSignIn: createCognitoSignIn,
  cognitoAdmin: createCognitoAdmin,
  smsSender: createEndUserMessagingSender,
  invitationQueue: createSqsInvitationQueue,
});
