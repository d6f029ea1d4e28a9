import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm test`: type-check, build the web app (browser and CDK tests use the build), lint, run every
 * vitest project (unit, cdk, integration, browser) in one run, and end with one line that totals
 * them all: `N passed, N failed`.
 */
const root = new URL('../', import.meta.url).pathname;
const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const env = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: '1', MANYI_QUIET: '1' };

function step(title: string, command: string, args: string[]): boolean {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  console.log(`  ${result.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result.status === 0;
}

const checks = [
  step('Type-check (tsc)', 'npx', ['tsc', '-p', 'tsconfig.json']),
  step('Build the web app', 'npx', ['vite', 'build', 'web', '--logLevel', 'warn']),
  step('Type-check the web app (svelte-check)', 'npx', ['svelte-check', '--workspace', 'web', '--fail-on-warnings', '--output', 'human']),
  // dependency-cruiser (import boundaries, cycles) and ESLint; see docs/decisions/0011.
  step('Lint (dependency-cruiser: import boundaries, no cycles; ESLint)', 'npm', ['run', '--silent', 'lint']),
];

const reportFile = join(resultsDir, 'vitest.json');
const vitestOk = step('Tests (vitest: unit, cdk, integration, browser)', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
]);

let passed = 0;
let failed = 0;
if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTests: number };
  passed = report.numPassedTests;
  failed = report.numFailedTests + (report.numTotalTests - report.numPassedTests - report.numFailedTests);
}
const failedChecks = checks.filter((ok) => !ok).length + (vitestOk || failed > 0 ? 0 : 1);
console.log('');
if (failedChecks > 0) console.log(`${failedChecks} build or type-check step(s) failed (see above)`);
console.log(`${passed} passed, ${failed + failedChecks} failed`);
process.exit(failed + failedChecks > 0 ? 1 : 0);
