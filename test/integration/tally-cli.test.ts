import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TallyPack, TallyResult } from '#shared/contracts/appraisal/tally-pack.js';

/**
 * `npm run tally -- pack.json` (issue 14 §4): the command a committee member runs on a round's tally
 * pack. It prints the result as JSON and exits 0 (a void round included); 2 when the file is not a
 * valid pack, naming the field.
 */
const example = JSON.parse(readFileSync('docs/examples/manyi-appraisal-v1-example.json', 'utf8')) as Record<string, unknown> & {
  groups: { id: string; issued: number; weightPct: number }[];
  ballots: { group: string; choices: Record<string, Record<string, string>> }[];
};
const documented: unknown = JSON.parse(readFileSync('docs/examples/manyi-appraisal-v1-example.result.json', 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'tally-'));

function run(pack: unknown): { status: number | null; stdout: string; stderr: string } {
  const file = join(dir, `pack-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof pack === 'string' ? pack : JSON.stringify(pack));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/tally.ts', file], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run tally', () => {
  it('prints the documented result of the worked example', () => {
    expect(TallyPack.safeParse(example).success).toBe(true);
    const { status, stdout } = run(example);
    expect(status).toBe(0);
    const printed: unknown = JSON.parse(stdout);
    expect(TallyResult.safeParse(printed).success).toBe(true);
    expect(printed).toEqual(documented);
  });

  it('prints a void round as a result, with its reason', () => {
    // Issue fewer 群众代表 ballots than were returned: 回收票数多于发出票数.
    const pack = { ...example, groups: example.groups.map((group) => (group.id === 'masses' ? { ...group, issued: 4 } : group)) };
    const { status, stdout } = run(pack);
    expect(status).toBe(0);
    const printed = JSON.parse(stdout) as { void: boolean; reasons: string[]; subjects: { composite: string | null }[] };
    expect(printed.void).toBe(true);
    expect(printed.reasons).toEqual(['returned-exceeds-issued:masses']);
    expect(printed.subjects.every((subject) => subject.composite === null)).toBe(true);
  });

  it('refuses a file that is not a valid pack, naming the field', () => {
    expect(run('{ not json')).toMatchObject({ status: 2 });
    const drifted = { ...example, groups: example.groups.map((group) => (group.id === 'masses' ? { ...group, weightPct: 29.99 } : group)) };
    const weights = run(drifted);
    expect(weights.status).toBe(2);
    expect(weights.stderr).toMatch(/groups: weights must total exactly 100%; they total 99\.99%/);
    const unknown = { ...example, ballots: [{ group: 'members', choices: { nobody: { overall: '优秀' } } }, ...example.ballots] };
    const ballot = run(unknown);
    expect(ballot.status).toBe(2);
    expect(ballot.stderr).toContain('ballots.0.choices.nobody: is not a subject of the pack');
    expect(ballot.stdout).toBe('');
    // 33.3300000000000001 parses to the double 33.33; written so, it is not a two-decimal weight.
    const text = JSON.stringify(example).replace('"weightPct":70', '"weightPct":69.9999999999999999999');
    const precise = run(text);
    expect(precise.status).toBe(2);
    expect(precise.stderr).toContain('at most two decimals and no exponent; written here: 69.9999999999999999999');
  });
});
