import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { dataTables, type DataTables } from '../../functions/src/data/tables.js';
import { seedWriter } from '../../infra/local/seed.js';
import { freePort } from '../../infra/local/ports.js';
import { startLocalStack } from '../../infra/local/stack.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { childProcesses } from './stats.js';

/**
 * The server side of the benchmark, run as a child process of run.ts so that its CPU time is its
 * own: the local stack (DynamoDB Local, the local API gateway calling the real Lambda handlers,
 * optionally the SvelteKit build) on one 127.0.0.1 port. It talks to the parent over IPC:
 * `ready` once listening, then answers `cpu`, `profile-start`, `profile-stop` and `stop`.
 */
export interface ServerOptions {
  /** On-disk data directory (DynamoDB Local -dbPath); in memory when omitted. */
  dataDir?: string;
  web: boolean;
  seed: boolean;
  /** Benchmark windows to create (codes bench0000 …). */
  windows: number;
}

export interface ServerReady {
  type: 'ready';
  url: string;
  dynamoEndpoint: string;
  tables: DataTables;
  windowCodes: string[];
  javaPid: number | undefined;
  /** The stack's anti-stuffing root key (base64), so the driver forwards clients as the web server does. */
  clientKey: string;
}

export type ServerRequest =
  | { type: 'cpu'; id: number }
  | { type: 'profile-start'; id: number }
  | { type: 'profile-stop'; id: number; file: string }
  | { type: 'stop'; id: number };

export type ServerReply = ServerReady | { type: 'reply'; id: number; cpuMs?: number; error?: string } | { type: 'failed'; error: string };

export const BENCH_UNIT = { id: 'bench-unit', name: '基准测试单位', parentId: null, path: ['bench-unit'] };
export const BENCH_HALL = { id: 'bench-hall', unitId: 'bench-unit', name: '基准测试大厅', address: '127.0.0.1' };
export const benchWindowCode = (i: number) => `bench${String(i).padStart(4, '0')}`;

const send = (message: ServerReply) => process.send?.(message);
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
  process.env.MANYI_QUIET = '1';
  const stack = await startLocalStack({
    port: await freePort(),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    web: options.web,
    seed: options.seed,
  });

  const windowCodes: string[] = [];
  if (options.windows > 0) {
    const doc = createDocumentClient({ region: 'local', endpoint: stack.dynamo.endpoint });
    const directory = seedWriter(createDataLayer(doc, dataTables(stack.tables)));
    await directory.putUnit(BENCH_UNIT);
    await directory.putHall(BENCH_HALL);
    for (let i = 0; i < options.windows; i++) {
      const code = benchWindowCode(i);
      await directory.putWindow({
        code,
        unitId: BENCH_UNIT.id,
        hallId: BENCH_HALL.id,
        name: `基准窗口 ${i + 1}`,
        active: true,
        staffOnDutyIds: [],
        surveyId: NATIONAL_SURVEY.surveyId,
        surveyVersion: NATIONAL_SURVEY.version,
      });
      windowCodes.push(code);
    }
    doc.destroy();
  }

  const java = childProcesses(process.pid).find((child) => child.comm === 'java');
  let session: Session | undefined;

  process.on('message', (message: ServerRequest) => {
    void (async () => {
      try {
        switch (message.type) {
          case 'cpu':
            send({ type: 'reply', id: message.id, cpuMs: cpuMs() });
            break;
          case 'profile-start':
            session = new Session();
            session.connect();
            await session.post('Profiler.enable');
            await session.post('Profiler.setSamplingInterval', { interval: 500 });
            await session.post('Profiler.start');
            send({ type: 'reply', id: message.id });
            break;
          case 'profile-stop': {
            if (!session) throw new Error('no profile running');
            const { profile } = await session.post('Profiler.stop');
            session.disconnect();
            session = undefined;
            writeFileSync(message.file, JSON.stringify(profile));
            send({ type: 'reply', id: message.id });
            break;
          }
          case 'stop':
            await stack.stop();
            send({ type: 'reply', id: message.id });
            process.exit(0);
        }
      } catch (error) {
        send({ type: 'reply', id: message.id, error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  // If the parent dies, do not leave DynamoDB Local behind.
  process.on('disconnect', () => {
    void stack.stop().finally(() => process.exit(0));
  });

  send({
    type: 'ready',
    url: stack.url,
    dynamoEndpoint: stack.dynamo.endpoint,
    tables: dataTables(stack.tables),
    windowCodes,
    javaPid: java?.pid,
    clientKey: stack.clientKey,
  });
}

// Only as the forked entry point (with an IPC channel): importing this module must start nothing.
if (process.send && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  });
}
