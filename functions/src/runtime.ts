import { randomBytes } from 'node:crypto';
import { createCognitoVerifier, createLocalTokens, type TokenIssuer, type TokenVerifier } from './auth/tokens.js';
import { config } from './config.js';
import { createDocumentClient } from './data/client.js';
import { createAesContactSealer, type ContactSealer } from './data/contact-sealer.js';
import { createDataLayer, type DataLayer } from './data/index.js';

/**
 * The composition root of a Lambda (or of the local gateway): built once per process, on first
 * use, from the validated configuration. Handlers take what they need from here and pass it to
 * their use case as its first argument.
 */
export interface Runtime extends DataLayer {
  sealer: ContactSealer;
  tokens: TokenVerifier & Partial<TokenIssuer>;
  now: () => Date;
  randomId: () => string;
}

/** 128 random bits, hex: rating and contact ids carry no time and no order. */
export const randomId = (): string => randomBytes(16).toString('hex');

let runtime: Runtime | undefined;

export function getRuntime(): Runtime {
  if (runtime) return runtime;
  const settings = config();
  const doc = createDocumentClient({ region: settings.AWS_REGION, endpoint: settings.DYNAMODB_ENDPOINT });
  const data = createDataLayer(doc, { ops: settings.OPS_TABLE, contacts: settings.CONTACTS_TABLE });
  if (!settings.CONTACT_KEY) throw new Error('KMS contact sealing is not wired yet: set CONTACT_KEY');
  const tokens =
    settings.AUTH_MODE === 'local'
      ? createLocalTokens(settings.AUTH_SECRET!, settings.SESSION_HOURS)
      : createCognitoVerifier(settings.COGNITO_ISSUER!, settings.COGNITO_CLIENT_ID!);
  runtime = { ...data, sealer: createAesContactSealer(settings.CONTACT_KEY), tokens, now: () => new Date(), randomId };
  return runtime;
}

/** For tests: swap pieces (a faulty client, a fixed clock) and get back to the real thing. */
export function setRuntime(next: Runtime | undefined): void {
  runtime = next;
}
