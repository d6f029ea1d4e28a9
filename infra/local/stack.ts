import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createAesContactSealer } from '../../functions/src/data/contact-sealer.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { resetConfig } from '../../functions/src/config.js';
import { getRuntime, setRuntime } from '../../functions/src/runtime.js';
import { createTables } from './create-tables.js';
import { migrateLocalTotals } from './migrate-totals.js';
import { createStreamPoller, type StreamPoller } from './stream-poller.js';
import { totalsChangeOf } from '../../functions/src/data/rollups/stream-records.js';
import { applyTotalsChanges } from '../../functions/src/use-cases/rollups/apply-totals-changes.js';
import { dataTables } from '../../functions/src/data/tables.js';
import { exposureNotice, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { createGateway } from './gateway.js';
import { freePort, isPortFree } from './ports.js';
import { loadOrCreateSecrets } from './secrets.js';
import { seedDemo } from './seed.js';
import { seedDemoSampling } from './seed-sampling.js';
import { seedDemoAppraisal } from './seed-appraisal.js';
import { seedDemoCases, seedDemoMailbox } from './seed-cases.js';
import { startOverdueSweep } from './overdue-sweep.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const webBuildDir = join(repoRoot, 'web', 'build');

export interface LocalStackOptions {
  port: number;
  /** DynamoDB Local's port; a free one when omitted. */
  dynamoPort?: number;
  /** Persist DynamoDB Local and secrets here; in memory when omitted (tests). */
  dataDir?: string;
  tablePrefix?: string;
  seed?: boolean;
  /** Serve the SvelteKit build for everything outside /api (default true). */
  web?: boolean;
  /** Sweep overdue 差评 cases at start and hourly (default true). */
  sweep?: boolean;
  log?: (line: string) => void;
}

/** The address the local stack serves and `npm start` prints, residents' pages included. */
export function localBaseUrl(port: number): string {
  return `http://localhost:${port}`;
}

/**
 * The PUBLIC_BASE_URL this module set for an earlier stack in this process: a value it set itself
 * follows the port of the next stack, one set by the operator (`PUBLIC_BASE_URL=… npm start`) is kept.
 */
let ownPublicBaseUrl: string | undefined;

function publicBaseUrl(port: number): string {
  const configured = process.env.PUBLIC_BASE_URL;
  if (configured && configured !== ownPublicBaseUrl) return configured;
  ownPublicBaseUrl = localBaseUrl(port);
  return ownPublicBaseUrl;
}

export interface LocalStack {
  url: string;
  dynamo: DynamoDbLocal;
  tables: Record<string, string>;
  /** Root of the anti-stuffing day keys (base64): the benchmark forwards clients as the web server does. */
  clientKey: string;
  /** The rollups' consumer on the totals table's stream (drain() waits until it has caught up). */
  rollups: StreamPoller;
  stop(): Promise<void>;
}

/**
 * The whole product on one machine: DynamoDB Local, tables from the shared definitions, demo
 * data, and one HTTP server on 127.0.0.1 that sends /api to the Lambda handlers through the local
 * gateway and everything else to the SvelteKit server.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const prefix = options.tablePrefix ?? 'manyi';
  if (!(await isPortFree(options.port))) throw new Error(`port ${options.port} is already in use; set PORT to another one`);
  const dynamo = await startDynamoDbLocal({
    port: options.dynamoPort ?? (await freePort()),
    ...(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {}),
    log,
  });
  log(exposureNotice(dynamo.port));
  try {
    const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const tables = await createTables(raw, prefix);
    raw.destroy();

    const secrets = loadOrCreateSecrets(options.dataDir ? join(options.dataDir, 'secrets.json') : undefined);
    // The handlers read their configuration from the environment, exactly as in Lambda.
    Object.assign(process.env, {
      OPS_TABLE: tables.ops,
      CONTACTS_TABLE: tables.contacts,
      AUDIT_TABLE: tables.audit,
      BALLOTS_TABLE: tables.ballots,
      TOTALS_TABLE: tables.totals,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: 'local',
      AUTH_MODE: 'local',
      AUTH_SECRET: secrets.authSecret,
      CONTACT_KEY: secrets.contactKey,
      CLIENT_KEY: secrets.clientKey,
      // What QR posters encode: the URL this stack serves, unless PUBLIC_BASE_URL is set explicitly.
      PUBLIC_BASE_URL: publicBaseUrl(options.port),
    });
    resetConfig();
    setRuntime(undefined);

    {
      const doc = createDocumentClient({ region: 'local', endpoint: dynamo.endpoint });
      const copied = await migrateLocalTotals(doc, dataTables(tables));
      if (copied > 0) log(`Moved ${copied} window-day totals items into their own table ${tables.totals} (decision 0031)`);
      doc.destroy();
    }
    if (options.seed !== false) {
      const doc = createDocumentClient({ region: 'local', endpoint: dynamo.endpoint });
      await seedDemo(doc, createDataLayer(doc, dataTables(tables)), createAesContactSealer(secrets.contactKey), {
        opsTable: tables.ops!,
        log,
      });
      // Rounds run through the use cases with the runtime this stack's gateway uses (its outbox, keys and clock).
      await seedDemoSampling(doc, getRuntime(), { opsTable: tables.ops!, log });
      // 民主评议: the open campaign's slips PDF goes next to the data it belongs to; a stack in memory
      // (tests) writes it to a temporary folder, never over the slips of the persisted demo in .data/.
      await seedDemoAppraisal(doc, getRuntime(), { opsTable: tables.ops!, dataDir: options.dataDir ?? join(tmpdir(), 'manyi-local-stack'), log });
      // 差评整改: the demo's 差评 opened their cases; a few of them are worked, as a unit would.
      await seedDemoCases(doc, getRuntime(), { opsTable: tables.ops!, log });
      // The public mailbox: 临江县's head named, a letter in each box (decision 0029).
      await seedDemoMailbox(doc, getRuntime(), { opsTable: tables.ops!, log });
      doc.destroy();
    }

    const gateway = createGateway();
    let web: ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | undefined;
    if (options.web !== false) {
      const handlerFile = join(webBuildDir, 'handler.js');
      if (!existsSync(handlerFile)) throw new Error(`the web app is not built: run npm run build:web (missing ${handlerFile})`);
      process.env.API_BASE_URL = `http://127.0.0.1:${options.port}`;
      // adapter-node assumes https unless told otherwise, and SvelteKit's same-origin check on form
      // posts would then refuse every form served over plain http. We set the header ourselves on
      // every request (overwriting anything a client sent), so it works for localhost and 127.0.0.1.
      process.env.PROTOCOL_HEADER = 'x-forwarded-proto';
      // adapter-node refuses bodies over 512 KB by default; an import file may be 3 MiB, and the
      // confirm form carries it back base64-encoded (4 MiB).
      process.env.BODY_SIZE_LIMIT ??= String(6 * 1024 * 1024);
      web = ((await import(pathToFileURL(handlerFile).href)) as { handler: typeof web }).handler;
    }

    const server: Server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/api' || path.startsWith('/api/')) {
        gateway.handle(req, res).catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
      } else if (web) {
        req.headers['x-forwarded-proto'] = 'http';
        web(req, res, () => res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found'));
      } else {
        res.writeHead(404).end();
      }
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
    log(`listening on http://127.0.0.1:${options.port}`);
    // 差评整改: overdue cases escalate to the parent unit (EventBridge daily in AWS).
    const sweep = options.sweep === false ? undefined : await startOverdueSweep(getRuntime(), log);
    // Rollups (decision 0031): the totals table's stream read as Lambda's event source mapping would, into the same consumer.
    const rollups = createStreamPoller({ endpoint: dynamo.endpoint, table: tables.totals!, apply: (records) => applyTotalsChanges(getRuntime(), records.map(totalsChangeOf)), log });
    // Caught up before serving: a report of a closed month reads the rollups of what was seeded.
    await rollups.drain();
    rollups.start();

    return {
      url: `http://127.0.0.1:${options.port}`,
      dynamo,
      tables,
      clientKey: secrets.clientKey,
      rollups,
      async stop() {
        sweep?.stop();
        await rollups.stop();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await dynamo.stop();
      },
    };
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
}
