import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { demoCounty } from './demo-county.js';
import { DEMO_ACCOUNTS } from './seed.js';
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
  const result = spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the web build failed; see the output above');
}

async function main(): Promise<void> {
  ensureWebBuild();
  process.env.MANYI_QUIET ??= '1';
  const stack = await startLocalStack({ port, dynamoPort, dataDir, log: (line) => console.log(`  ${line}`) });

  // The same four windows the README lists (the demo county is generated from a fixed seed).
  const windows = demoCounty().windows;
  const Items = [0, 3, 10, 12].map((i) => windows[i]!);
  const base = localBaseUrl(port);
  console.log(`
满意 Manyi is running at ${base}

  Resident pages (scan-a-QR flow), e.g.:
${Items.slice(0, 4)
  .map((w) => `    ${base}/w/${w.code}   ${w.name}`)
  .join('\n')}
  Admin:     ${base}/login   ${DEMO_ACCOUNTS.map((a) => `${a.username} / ${a.password} (${a.displayName})`).join('; ')}
             then the 6-digit code: npm run totp -- ${DEMO_ACCOUNTS[0]!.username}   (fixed demo-only TOTP secrets, see the README)
  API:       ${base}/api/health   ${base}/api/openapi.json
  Data:      ${dataDir} (delete it to start from a fresh demo county)
  Posters:   QR codes point at ${process.env.PUBLIC_BASE_URL ?? base} (PUBLIC_BASE_URL: set it to an address residents' phones can reach)

Press Ctrl-C to stop.`);

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
