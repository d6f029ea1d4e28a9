import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

/**
 * `npm run fuzz`: the contract fuzz of every operation (test/integration/fuzz-routes.test.ts) with
 * more payloads than `npm test` sends, on DynamoDB Local, through vitest.
 *
 *   npm run fuzz                               seed 11, 300 payloads per operation
 *   npm run fuzz -- --seed random              a new seed, printed first: replay a failure with --seed N
 *   npm run fuzz -- --seed 1234 --runs 1000
 *   npm run fuzz -- --seed 1234 -t createUnit  only the operations whose test name matches (vitest -t)
 *
 * Any other argument is passed to vitest.
 */
const root = new URL('../', import.meta.url).pathname;
const args = process.argv.slice(2);
let seed = '11';
let runs = '300';
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  const [name, inline] = arg.includes('=') ? (arg.split(/=(.*)/s) as [string, string]) : [arg, undefined];
  if (name === '--seed' || name === '--runs') {
    const value = inline ?? args[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--seed') seed = value;
    else runs = value;
  } else rest.push(arg);
}
if (seed === 'random') seed = String(randomInt(0, 2 ** 31 - 1));
if (!/^-?\d+$/.test(seed)) throw new Error(`--seed must be an integer or "random", not ${seed}`);
if (!/^[1-9]\d*$/.test(runs)) throw new Error(`--runs must be a positive integer, not ${runs}`);

console.log(`fuzz seed ${seed}, ${runs} payloads per operation`);
console.log(`replay: npm run fuzz -- --seed ${seed} --runs ${runs}\n`);
const result = spawnSync('npx', ['vitest', 'run', '--project', 'integration', 'test/integration/fuzz-routes.test.ts', ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs, MANYI_QUIET: '1' },
});
console.log(`\nfuzz seed ${seed} (${runs} per operation): ${result.status === 0 ? 'no findings' : 'FAILED, see above'}; replay: npm run fuzz -- --seed ${seed} --runs ${runs}`);
process.exit(result.status ?? 1);
