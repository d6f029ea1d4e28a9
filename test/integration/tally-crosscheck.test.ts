import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * manyi-appraisal-v1 has two implementations: the TypeScript the product runs and an independent
 * Python one written from docs/decisions/0025 alone (scripts/appraisal-tally-reference.py). On 150
 * random valid packs (fixed seed) they must print the same result, every rule firing somewhere.
 */
describe('the tally against its independent Python implementation', () => {
  it('agrees on 150 random packs, with every rule exercised', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/appraisal-tally-crosscheck.ts', '150', '20261207'], { encoding: 'utf8', timeout: 240_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('differences: 0');
    for (const rule of ['void:returned-exceeds-issued', 'void:quorum', 'quorum \\(renormalised\\)', 'trim', 'veto', 'excellent-cap', 'excellent-cap-tie', 'invalid ballots', 'ungraded']) {
      const count = new RegExp(`^\\s*${rule}\\s+(\\d+)$`, 'm').exec(run.stdout)?.[1];
      expect(Number(count), `${rule} fired in no pack`).toBeGreaterThan(0);
    }
    expect(run.status).toBe(0);
  }, 300_000);
});
