import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerOptions, ServerReady, ServerReply, ServerRequest } from './server.js';

/** The parent's handle on test/bench/server.ts running in its own Node process. */
export interface ServerProcess {
  ready: ServerReady;
  pid: number;
  /** CPU time (user + system, ms) the server process has used so far, as it reports it. */
  cpuMs(): Promise<number>;
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

const serverEntry = fileURLToPath(new URL('./server.ts', import.meta.url));

type Request = ServerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The bench's burst floor: every phase checks it, none reaches it. */
export const BENCH_BURST_FLOOR = 1_000_000_000;

export async function startServerProcess(options: ServerOptions, timeoutMs = 120_000): Promise<ServerProcess> {
  const child: ChildProcess = fork(serverEntry, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // The burst detector is on (its conditional hour count is in every rating's transaction) but its
    // floor is out of reach: the benchmark sends thousands of ratings per window and hour, which in
    // production would be a burst; flagged ratings cost a second transaction (measured apart).
    env: { ...process.env, MANYI_QUIET: '1', BURST_FLOOR: String(BENCH_BURST_FLOOR) },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let nextId = 1;
  const pending = new Map<number, { resolve: (reply: { cpuMs?: number }) => void; reject: (error: Error) => void }>();
  let exited = false;

  const ready = await new Promise<ServerReady>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the bench server did not start within ${timeoutMs / 1000} s\n${output}`));
    }, timeoutMs);
    child.on('message', (message: ServerReply) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`the bench server failed to start: ${message.error}\n${output}`));
      } else if (message.type === 'reply') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error));
        else waiter?.resolve(message);
      }
    });
    child.once('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      for (const waiter of pending.values()) waiter.reject(new Error(`bench server exited (${code})\n${output}`));
      pending.clear();
      reject(new Error(`the bench server exited with ${code} during start-up\n${output}`));
    });
  });

  function request(message: Request): Promise<{ cpuMs?: number }> {
    if (exited) return Promise.reject(new Error(`bench server is not running\n${output}`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      child.send({ ...message, id } as ServerRequest);
    });
  }

  return {
    ready,
    pid: child.pid!,
    async cpuMs() {
      return (await request({ type: 'cpu' })).cpuMs!;
    },
    async profileStart() {
      await request({ type: 'profile-start' });
    },
    async profileStop(file) {
      await request({ type: 'profile-stop', file });
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await request({ type: 'stop' }).catch(() => undefined);
      await gone;
      clearTimeout(timer);
    },
  };
}
