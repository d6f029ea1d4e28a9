import { readFileSync } from 'node:fs';
import { asDomainPack, overlyPreciseNumbers, TallyPack } from '#shared/contracts/appraisal/tally-pack.js';
import { tally } from '#shared/domain/appraisal/tally.js';

/**
 * `npm run tally -- pack.json`: the tally of a 民主评议 round from its tally pack
 * (manyi-appraisal-v1, docs/decisions/0025-manyi-appraisal-v1.md), printed as JSON on stdout — the
 * same function the web tally page and the exports call. Exit 0 with the result (a void round is
 * a result too: `"void": true` and its reasons); 2 when the file is not a valid pack, with every
 * problem named by field on stderr.
 */
const path = process.argv[2];
if (!path) {
  console.error('usage: npm run tally -- <pack.json>');
  process.exit(2);
}

let json: unknown;
let text = '';
try {
  text = readFileSync(path, 'utf8');
  json = JSON.parse(text);
} catch (error) {
  console.error(`${path}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
  process.exit(2);
}
const precise = overlyPreciseNumbers(text);
if (precise.length > 0) {
  console.error(`${path}: not a valid manyi-appraisal-v1 pack`);
  console.error(`  every number has at most two decimals and no exponent; written here: ${precise.slice(0, 5).join(', ')}`);
  process.exit(2);
}
const parsed = TallyPack.safeParse(json);
if (!parsed.success) {
  console.error(`${path}: not a valid manyi-appraisal-v1 pack`);
  for (const issue of parsed.error.issues.slice(0, 20)) console.error(`  ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  if (parsed.error.issues.length > 20) console.error(`  … and ${parsed.error.issues.length - 20} more`);
  process.exit(2);
}
console.log(JSON.stringify(tally(asDomainPack(parsed.data)), null, 2));
