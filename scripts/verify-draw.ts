import { readFileSync } from 'node:fs';
import { DrawPack } from '#shared/contracts/sampling/draw-pack.js';
import { verifyDrawPack } from '#shared/domain/sampling/draw-verify.js';
import { nodeDrawCrypto } from '../functions/src/use-cases/sampling/draw-crypto.js';

/**
 * `npm run verify-draw -- pack.json`: re-runs a sampling round's draw from its verification pack
 * (manyi-draw-v1, docs/decisions/0017-manyi-draw-v1.md) and prints each check. Exit 0 only when
 * every check holds; 1 when one fails; 2 when the file is not a pack.
 */
const path = process.argv[2];
if (!path) {
  console.error('usage: npm run verify-draw -- <pack.json>');
  process.exit(2);
}

let json: unknown;
try {
  json = JSON.parse(readFileSync(path, 'utf8'));
} catch (error) {
  console.error(`${path}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
  process.exit(2);
}
const parsed = DrawPack.safeParse(json);
if (!parsed.success) {
  console.error(`${path}: not a manyi-draw-v1 pack`);
  for (const issue of parsed.error.issues.slice(0, 10)) console.error(`  ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  process.exit(2);
}

const checks = verifyDrawPack(parsed.data, nodeDrawCrypto);
console.log(`manyi-draw-v1 · round ${parsed.data.round} · ${parsed.data.frame.length} frame entries · ${parsed.data.sample.length} drawn`);
for (const { check, ok, detail } of checks) console.log(`${ok ? '✓' : '✗'} ${check.padEnd(10)} ${detail}`);
const failed = checks.filter((check) => !check.ok).length;
console.log(failed === 0 ? 'all checks pass: this is the sample the committed seed and the frame give' : `${failed} check(s) fail: this pack is NOT the draw it claims`);
process.exit(failed === 0 ? 0 : 1);
