import { createHmac, randomBytes } from 'node:crypto';
import { accountPrincipals, LOCAL_ACCOUNT_CACHE_MS } from './auth/account-principals.js';
import type { TokenIssuer, TokenVerifier } from './auth/principal.js';
import { createCognitoIdentity, createLocalTokens } from './auth/tokens.js';
import { config } from './config.js';
import { createDocumentClient } from './data/client.js';
import type { IdentityDirectory } from './data/cognito-admin.js';
import type { CognitoSignIn } from './data/cognito-sign-in.js';
import { createAesContactSealer, type ContactSealer } from './data/contact-sealer.js';
import { createDataLayer, type DataLayer } from './data/index.js';
import { createThrottleCounters } from './data/throttle.js';
import { createBurstStore } from './data/burst.js';
import { createBurstWatch, type BurstWatch } from './throttle/burst.js';
import { DEFAULT_BURST_POLICY, type BurstPolicy } from '#shared/domain/burst.js';
import { cachedKeyring, DEFAULT_THROTTLE_POLICY, localKeyring, type ClientKeyring, type Throttle } from './throttle/index.js';
import { useClientVerifier, useTokenVerifier } from './middleware/http-handler.js';
import { createClientVerifier } from './auth/client-credentials.js';
import type { LoginDeps } from './use-cases/login.js';
import type { InvitationQueue } from './use-cases/sampling/invitations.js';
import { createOutboxSender, type SmsSender } from './data/sampling-invitations.js';

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
  /** AWS mode: the user pool that account administration keeps in step; absent locally. */
  identities?: IdentityDirectory | undefined;
  /** The anti-stuffing limits (throttle/index.ts): keyed client hashes in short-lived counters. */
  throttle: Throttle;
  /** The burst detector (throttle/burst.ts): ratings far above a window's usual rate for the hour are 可疑. */
  burst: BurstWatch;
  now: () => Date;
  randomId: () => string;
  /** Base of the resident page URL printed in QR posters (tests leave it out: http://localhost:3000). */
  publicBaseUrl?: string;
  /** A CJK font file for posters; absent: the font of @embedpdf/fonts-sc. */
  posterFontPath?: string | undefined;
  /** Where 阳光测评 messages go: the local outbox, or (AWS) End User Messaging SMS. */
  sms: SmsSender;
  /** AWS: the queue in front of the sender Lambda; absent locally (messages are sent in the job). */
  invitationQueue?: InvitationQueue | undefined;
  /** The time budget of a round's freeze or draw call (ROUND_JOB_BUDGET_MS). */
  jobBudgetMs?: number | undefined;
}

/** 128 random bits, hex: rating and contact ids carry no time and no order. */
export const randomId = (): string => randomBytes(16).toString('hex');

/** A runtime over the local account store (local mode and tests). */
export function localSignIn(data: DataLayer, tokens: TokenIssuer, now: () => Date): LoginDeps {
  return { mode: 'local', accounts: data.accounts, tokens, now };
}

/**
 * The KMS and Cognito clients weigh about 200 KB minified; only the few functions that seal phone
 * numbers or sign people in need them. Those handlers import `aws-adapters.ts`, which registers
 * the factories here, so every other bundle stays free of both SDK clients.
 */
export interface AwsAdapters {
  kmsSealer(keyId: string, region: string): ContactSealer;
  kmsKeyring(keyId: string, region: string): ClientKeyring;
  cognitoSignIn(clientId: string, region: string): CognitoSignIn;
  cognitoAdmin(userPoolId: string, region: string): IdentityDirectory;
  /** End User Messaging SMS (the sender Lambda). */
  smsSender(originationIdentity: string, region: string): SmsSender;
  /** The SQS queue of invitation messages (the send and remind jobs). */
  invitationQueue(queueUrl: string, region: string): InvitationQueue;
}
let awsAdapters: AwsAdapters | undefined;
export function registerAwsAdapters(adapters: AwsAdapters): void {
  awsAdapters = adapters;
}
function adapters(): AwsAdapters {
  if (!awsAdapters) throw new Error('this function does not bundle the AWS adapters: import aws-adapters.js in its handler');
  return awsAdapters;
}

let runtime: Runtime | undefined;

export function getRuntime(): Runtime {
  if (runtime) return runtime;
  const settings = config();
  const doc = createDocumentClient({ region: settings.AWS_REGION, endpoint: settings.DYNAMODB_ENDPOINT });
  const data = createDataLayer(doc, {
    ops: settings.OPS_TABLE,
    contacts: settings.CONTACTS_TABLE,
    audit: settings.AUDIT_TABLE,
    ballots: settings.BALLOTS_TABLE,
    totals: settings.TOTALS_TABLE,
  });
  const now = () => new Date();
  let sealer: ContactSealer | undefined;
  const getSealer = (): ContactSealer =>
    (sealer ??= settings.CONTACT_KMS_KEY_ID
      ? adapters().kmsSealer(settings.CONTACT_KMS_KEY_ID, settings.AWS_REGION)
      : createAesContactSealer(settings.CONTACT_KEY!));
  let tokens: TokenVerifier;
  let getSignIn: () => LoginDeps;
  if (settings.AUTH_MODE === 'local') {
    const local = createLocalTokens(settings.AUTH_SECRET!, settings.SESSION_HOURS);
    // The token says who and which session; the account says whether that session still stands
    // and what it may do (as in AWS mode), so a disabled, re-scoped or logged-out account stops.
    tokens = accountPrincipals({ verify: local.verifyIdentity }, data.accounts, { cacheMs: LOCAL_ACCOUNT_CACHE_MS });
    const signIn = localSignIn(data, local, now);
    getSignIn = () => signIn;
  } else {
    // Cognito says who; our accounts table says what they may do (role, unit scope, disabled).
    const verifier = accountPrincipals(createCognitoIdentity(settings.COGNITO_ISSUER!, settings.COGNITO_CLIENT_ID!), data.accounts);
    tokens = verifier;
    let signIn: LoginDeps | undefined;
    getSignIn = () =>
      (signIn ??= { mode: 'cognito', cognito: adapters().cognitoSignIn(settings.COGNITO_CLIENT_ID!, settings.AWS_REGION), verifier, now });
  }
  let keyring: ClientKeyring | undefined;
  const getKeyring = (): ClientKeyring =>
    (keyring ??= settings.CLIENT_KMS_KEY_ID
      ? adapters().kmsKeyring(settings.CLIENT_KMS_KEY_ID, settings.AWS_REGION)
      : cachedKeyring(localKeyring(localClientRoot(settings))));
  const counters = createThrottleCounters(doc, settings.OPS_TABLE);
  const policy = {
    ...DEFAULT_THROTTLE_POLICY,
    ratingIntervalSeconds: settings.RATING_INTERVAL_MINUTES * 60,
    ratingsPerClient: settings.RATINGS_PER_CLIENT,
    loginFailuresPerClient: settings.LOGIN_FAILURES_PER_CLIENT,
    codeFailuresPerClient: settings.CODE_FAILURES_PER_CLIENT,
    clientFrom: settings.CLIENT_FROM,
  };
  const throttle: Throttle = {
    get keyring() {
      return getKeyring();
    },
    counters,
    policy,
  };
  let identities: IdentityDirectory | undefined;
  const getIdentities = (): IdentityDirectory | undefined =>
    settings.AUTH_MODE === 'cognito' ? (identities ??= adapters().cognitoAdmin(settings.COGNITO_USER_POOL_ID!, settings.AWS_REGION)) : undefined;
  let sms: SmsSender | undefined;
  const getSms = (): SmsSender =>
    (sms ??= settings.SMS_ORIGINATION_IDENTITY
      ? adapters().smsSender(settings.SMS_ORIGINATION_IDENTITY, settings.AWS_REGION)
      : createOutboxSender(doc, settings.OPS_TABLE, randomId, now));
  let invitationQueue: InvitationQueue | undefined;
  const getInvitationQueue = (): InvitationQueue | undefined =>
    settings.INVITATION_QUEUE_URL ? (invitationQueue ??= adapters().invitationQueue(settings.INVITATION_QUEUE_URL, settings.AWS_REGION)) : undefined;
  // sealer, signIn and identities are built on first use, so a function that never seals or signs in never
  // needs the KMS or Cognito adapters.
  runtime = {
    ...data,
    get sealer() {
      return getSealer();
    },
    get signIn() {
      return getSignIn();
    },
    get identities() {
      return getIdentities();
    },
    get sms() {
      return getSms();
    },
    get invitationQueue() {
      return getInvitationQueue();
    },
    tokens,
    throttle,
    burst: localBurst(doc, settings.OPS_TABLE, { factor: settings.BURST_FACTOR, floor: settings.BURST_FLOOR }),
    now,
    randomId,
    publicBaseUrl: settings.PUBLIC_BASE_URL,
    posterFontPath: settings.POSTER_FONT_PATH,
    jobBudgetMs: settings.ROUND_JOB_BUDGET_MS,
  };
  return runtime;
}

/** A throttle over the ops table with a local root key (tests, the bench, local mode). */
export function localThrottle(doc: Parameters<typeof createThrottleCounters>[0], opsTable: string, root: Buffer, policy: Partial<Throttle['policy']> = {}): Throttle {
  return { keyring: cachedKeyring(localKeyring(root)), counters: createThrottleCounters(doc, opsTable), policy: { ...DEFAULT_THROTTLE_POLICY, ...policy } };
}

/** The burst detector over the ops table (AWS and local alike: it needs no key). */
export function localBurst(doc: Parameters<typeof createBurstStore>[0], opsTable: string, policy: Partial<BurstPolicy> = {}): BurstWatch {
  return createBurstWatch(createBurstStore(doc, opsTable), { ...DEFAULT_BURST_POLICY, ...policy });
}

/** The local root of the day keys: CLIENT_KEY, or (local mode) one derived from AUTH_SECRET. */
export function localClientRoot(settings: Pick<ReturnType<typeof config>, 'CLIENT_KEY' | 'AUTH_SECRET'>): Buffer {
  if (settings.CLIENT_KEY) return Buffer.from(settings.CLIENT_KEY, 'base64');
  if (settings.AUTH_SECRET) return createHmac('sha256', settings.AUTH_SECRET).update('manyi-client-root').digest();
  throw new Error('CLIENT_KEY or CLIENT_KMS_KEY_ID is required (the anti-stuffing day keys)');
}

// Read per request, not at load: tests swap the runtime (setRuntime) after importing handlers.
useTokenVerifier(() => getRuntime().tokens);
// Stateless: built from the runtime's stores per request, so tests that swap the runtime are followed.
useClientVerifier(() => createClientVerifier(getRuntime()));

/** For tests: swap pieces (a faulty client, a fixed clock) and get back to the real thing. */
export function setRuntime(next: Runtime | undefined): void {
  runtime = next;
}
