import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TokenIssuer, TokenVerifier } from '../../functions/src/auth/principal.js';
import { createLocalTokens, type ChallengeTokens, type LocalIdentity } from '../../functions/src/auth/tokens.js';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createAesContactSealer } from '../../functions/src/data/contact-sealer.js';
import { createOutboxSender } from '../../functions/src/data/sampling-invitations.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { localBurst, localSignIn, localThrottle, randomId, setRuntime, type Runtime } from '../../functions/src/runtime.js';
import type { BurstPolicy } from '../../shared/src/domain/burst.js';
import type { ThrottlePolicy } from '../../functions/src/throttle/index.js';
import { createTables } from '../../infra/local/create-tables.js';
import { dataTables, type DataTables } from '../../functions/src/data/tables.js';
import { totalsChangeOf } from '../../functions/src/data/rollups/stream-records.js';
import { applyTotalsChanges } from '../../functions/src/use-cases/rollups/apply-totals-changes.js';
import { createStreamPoller, type StreamPoller } from '../../infra/local/stream-poller.js';

export interface IsolatedTables {
  prefix: string;
  tables: DataTables;
  doc: DynamoDBDocumentClient;
  /** The runtime, with the local token issuer exposed so tests can mint bearer tokens. */
  runtime: Runtime & { tokens: TokenVerifier & TokenIssuer & ChallengeTokens & LocalIdentity };
  contactKey: string;
  /** The rollups' consumer on this prefix's totals stream (decision 0031); nothing polls until a test calls it. */
  rollups: StreamPoller;
  /** Install this runtime for handlers invoked in-process (through the gateway's invoke). */
  install(): void;
  close(): void;
}

export interface IsolatedTablesOptions {
  /**
   * The runtime's clock (default: the wall clock). A test that seeds and then queries by China-time
   * day pins it (test/support/clock.ts), so the day cannot change between the two. Tokens are still
   * checked against the wall clock: a login through the handlers needs a clock near it.
   */
  now?: () => Date;
  /** The anti-stuffing limits (default: the deployed defaults); a test of the limits lowers them. */
  throttle?: Partial<ThrottlePolicy>;
  /** The burst detector (default: off, floor at MAX_SAFE_INTEGER); a test of it sets a floor. */
  burst?: Partial<BurstPolicy>;
}

/**
 * Fresh tables with a unique prefix in the shared DynamoDB Local, and a runtime wired to them,
 * so test files never see each other's data.
 */
export async function isolatedTables(endpoint: string, options: IsolatedTablesOptions = {}): Promise<IsolatedTables> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const raw = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const names = await createTables(raw, prefix);
  raw.destroy();
  const tables = dataTables(names);
  const doc = createDocumentClient({ region: 'local', endpoint });
  const contactKey = randomBytes(32).toString('base64');
  const data = createDataLayer(doc, tables);
  const tokens = createLocalTokens(randomBytes(32).toString('hex'), 8);
  const rollups = createStreamPoller({ endpoint, table: tables.totals, apply: (records) => applyTotalsChanges(runtime, records.map(totalsChangeOf)) });
  // The rollups trail the window-days by the consumer's lag (seconds, measured by the bench). Tests
  // read them as they are once it has caught up: every read of a rollup first drains the stream.
  const caughtUp = <A extends unknown[], R>(read: (...args: A) => Promise<R>) => async (...args: A) => {
    await rollups.drain();
    return read(...args);
  };
  const runtime: IsolatedTables['runtime'] = {
    ...data,
    totals: { ...data.totals, windowsMonths: caughtUp(data.totals.windowsMonths), unitsTotals: caughtUp(data.totals.unitsTotals) },
    sealer: createAesContactSealer(contactKey),
    tokens,
    // The login reads the runtime's clock at each call, so a test that sets `runtime.now` later
    // moves the login (challenges, TOTP steps, lockout, audit times) with everything else.
    signIn: localSignIn(data, tokens, () => runtime.now()),
    // The harness is one client (127.0.0.1) sending thousands of ratings, so the per-client rating
    // limit is lifted unless a test asks for it; every other limit is as deployed. The limits
    // themselves are tested in anti-stuffing.test.ts.
    throttle: localThrottle(doc, tables.ops, randomBytes(32), { ratingsPerClient: Number.MAX_SAFE_INTEGER, ...options.throttle }),
    // Tests send dozens of ratings to one window within a minute: the burst detector would flag
    // them, so it is off unless a test asks for it (burst.test.ts).
    burst: localBurst(doc, tables.ops, { floor: Number.MAX_SAFE_INTEGER, ...options.burst }),
    now: options.now ?? (() => new Date()),
    randomId,
    // The local outbox, on the runtime's clock (a test that moves `runtime.now` moves the messages).
    sms: createOutboxSender(doc, tables.ops, randomId, () => runtime.now()),
  };
  return {
    prefix,
    tables,
    doc,
    runtime,
    contactKey,
    rollups,
    install: () => setRuntime(runtime),
    close: () => {
      void rollups.stop();
      setRuntime(undefined);
      doc.destroy();
    },
  };
}
