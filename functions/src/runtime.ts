import { randomBytes } from 'node:crypto';
import { createCognitoVerifier, createLocalTokens, type TokenIssuer, type TokenVerifier } from './auth/tokens.js';
import { config } from './config.js';
import { createDocumentClient } from './data/client.js';
import { createCognitoSignIn, type CognitoSignIn } from './data/cognito-sign-in.js';
import { createAesContactSealer, type ContactSealer } from './data/contact-sealer.js';
import { createDataLayer, type DataLayer } from './data/index.js';
import { createKmsContactSealer } from './data/kms-contact-sealer.js';
import type { LoginDeps } from './use-cases/login.js';

/**
 * The composition root of a Lambda (or of the local gateway): built once per process, on first
 * use, from the validated configuration. Handlers take what they need from here and pass it to
 * their use case as its first argument.
 */
export interface Runtime extends DataLayer {
  sealer: ContactSealer;
  tokens: TokenVerifier;
  /** How /api/auth/login signs people in: local accounts, or Cognito. */
  signIn: LoginDeps;
  now: () => Date;
  randomId: () => string;
}

/** 128 random bits, hex: rating and contact ids carry no time and no order. */
export const randomId = (): string => randomBytes(16).toString('hex');

/** A runtime over the local account store (local mode and tests). */
export function localSignIn(data: DataLayer, tokens: TokenIssuer, now: () => Date): LoginDeps {
  return { mode: 'local', accounts: data.accounts, tokens, now };
}

let runtime: Runtime | undefined;

export function getRuntime(): Runtime {
  if (runtime) return runtime;
  const settings = config();
  const doc = createDocumentClient({ region: settings.AWS_REGION, endpoint: settings.DYNAMODB_ENDPOINT });
  const data = createDataLayer(doc, { ops: settings.OPS_TABLE, contacts: settings.CONTACTS_TABLE, audit: settings.AUDIT_TABLE });
  const now = () => new Date();
  const sealer = settings.CONTACT_KMS_KEY_ID
    ? createKmsContactSealer(settings.CONTACT_KMS_KEY_ID, settings.AWS_REGION)
    : createAesContactSealer(settings.CONTACT_KEY!);
  let tokens: TokenVerifier;
  let signIn: LoginDeps;
  if (settings.AUTH_MODE === 'local') {
    const local = createLocalTokens(settings.AUTH_SECRET!, settings.SESSION_HOURS);
    tokens = local;
    signIn = localSignIn(data, local, now);
  } else {
    tokens = createCognitoVerifier(settings.COGNITO_ISSUER!, settings.COGNITO_CLIENT_ID!);
    const cognito: CognitoSignIn = createCognitoSignIn(settings.COGNITO_CLIENT_ID!, settings.AWS_REGION);
    signIn = { mode: 'cognito', cognito, verifier: tokens, now };
  }
  runtime = { ...data, sealer, tokens, signIn, now, randomId };
  return runtime;
}

/** For tests: swap pieces (a faulty client, a fixed clock) and get back to the real thing. */
export function setRuntime(next: Runtime | undefined): void {
  runtime = next;
}
