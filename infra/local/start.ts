import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { demoCounty } from './demo-county.js';
import { startBanner } from './banner.js';
import { DEMO_ACCOUNTS, DEMO_STAFF_ACCOUNT } from './seed.js';
import { localBaseUrl, repoRoot, startLocalStack, webBuildDir } from './stack.js';

/** `npm start`: build the web app if it is missing or stale, then run the whole stack until Ctrl-C. */
const port = Number(process.env.PORT ?? 3000);
const dynamoPort = Number(process.env.DYNAMODB_PORT ?? 8000);
const dataDir = join(repoRoot, '.data');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function ensureWebBuild(): void {
  const built = join(webBuildDir, 'handler.js');
  const sources = [join(repoRoot, 'web', 'src'), join(repoRoot, 'shared', 'src')];
  if (existsSync(built) && statSync(built).mtimeMs > Math.max(...sources.map(newestMtime))) return;
  console.log('Building the web app (vite build web)…');
  // Run from web/ so SvelteKit does not note that it overrides the `root` the argument would set.
  // Warnings and errors (stderr) show as they come; the known noise is dropped in the build config
  // (web/build-logs.js). SvelteKit's progress lines (stdout) show only when the build fails.
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: join(repoRoot, 'web'), stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    throw new Error('the web build failed; see the output above');
  }
}

async function main(): Promise<void> {
  ensureWebBuild();
  process.env.MANYI_QUIET ??= '1';
  const stack = await startLocalStack({ port, dynamoPort, dataDir, log: (line) => console.log(`  ${line}`) });

  // The same four windows the README lists (the demo county is generated from a fixed seed).
  const windows = demoCounty().windows;
  const base = localBaseUrl(port);
  console.log(
    startBanner({
      base,
      windows: [0, 3, 10, 12].map((i) => windows[i]!),
      accounts: DEMO_ACCOUNTS,
      staffAccount: DEMO_STAFF_ACCOUNT,
      dataDir,
      publicBaseUrl: process.env.PUBLIC_BASE_URL ?? base,
    }),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
