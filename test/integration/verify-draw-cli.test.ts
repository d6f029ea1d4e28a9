import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm run verify-draw -- pack.json` (issue 13 §3): the command a committee member runs on a round's
 * verification pack. Exit 0 only when every check holds, 1 when one fails, 2 when the file is no pack.
 */
const example = JSON.parse(readFileSync('docs/examples/manyi-draw-v1-example.json', 'utf8')) as { sample: string[]; frame: { entryId: string }[] };
const dir = mkdtempSync(join(tmpdir(), 'verify-draw-'));

function run(pack: unknown): { status: number | null; out: string } {
  const file = join(dir, `pack-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof pack === 'string' ? pack : JSON.stringify(pack));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-draw.ts', file], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('npm run verify-draw', () => {
  it('passes the documented example with five checks', () => {
    const { status, out } = run(example);
    expect(out.match(/^✓ /gm)).toHaveLength(5);
    expect(out).toContain('all checks pass');
    expect(status).toBe(0);
  });

  it('fails a pack with one sample entry swapped, and says which check', () => {
    // e02 was not drawn (rank 4 in lj-ga); put it in place of e01.
    const swapped = { ...example, sample: example.sample.map((entryId) => (entryId === 'e01' ? 'e02' : entryId)) };
    const { status, out } = run(swapped);
    expect(out).toMatch(/^✗ sample .*not in the pack: e01.*in the pack but not drawn: e02/m);
    expect(out.match(/^✓ /gm)).toHaveLength(4);
    expect(status).toBe(1);
  });

  it('refuses a file that is not a pack, naming the field', () => {
    expect(run('{ not json')).toMatchObject({ status: 2 });
    const { status, out } = run({ ...example, format: 'manyi-draw-v0' });
    expect(out).toContain('format');
    expect(status).toBe(2);
  });
});
