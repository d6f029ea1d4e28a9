/**
 * Cross-check of the tally `manyi-appraisal-v1` (docs/decisions/0025-manyi-appraisal-v1.md):
 * generates random valid packs from a fixed seed, tallies each with the TypeScript reference
 * (`tally`) and with the independent Python implementation (scripts/appraisal-tally-reference.py),
 * and compares the two results as JSON values (key order aside).
 *
 *   npx tsx scripts/appraisal-tally-crosscheck.ts [packs=400] [seed=20261207]
 *
 * Exits 1 on any difference.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tally } from '../shared/src/domain/appraisal/tally.js';
import { packProblems, type TallyPack } from '../shared/src/domain/appraisal/pack.js';
import { seededRandom } from '../infra/local/demo-county.js';

const packs = Number(process.argv[2] ?? 400);
const seed = Number(process.argv[3] ?? 20261207);
const python = join(dirname(fileURLToPath(import.meta.url)), 'appraisal-tally-reference.py');

const random = seededRandom(seed);
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
const chance = (p: number): boolean => random() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** n weights in hundredths summing to exactly 10000, as JSON numbers (33.33, 33.34, 0, …). */
function weights(n: number): number[] {
  if (n === 3 && chance(0.3)) return [33.33, 33.33, 33.34];
  if (chance(0.25)) {
    const even = Math.floor(10000 / n);
    return Array.from({ length: n }, (_, k) => (k === n - 1 ? 10000 - even * (n - 1) : even) / 100);
  }
  const cuts = Array.from({ length: n - 1 }, () => (chance(0.1) ? pick([0, 10000]) : int(0, 10000))).sort((a, b) => a - b);
  const bounds = [0, ...cuts, 10000];
  return Array.from({ length: n }, (_, k) => (bounds[k + 1]! - bounds[k]!) / 100);
}

const RATIOS = ['1/2', '2/3', '1/3', '1/4', '3/4', '50%', '30%', '33.3%', '66.7%', '0%', '100%', '1/1', '0/5', '2/5'];
const threshold = (ratios: readonly string[] = RATIOS): { moreThan: string } | { atLeast: string } =>
  chance(0.5) ? { moreThan: pick(ratios) } : { atLeast: pick(ratios) };
const OPTIONS = ['优秀', '合格', '基本合格', '不合格'];
const GRADES = ['优秀', '合格', '基本合格', '不合格'];
const ABSTAIN = '弃权';

function generatePack(index: number): TallyPack {
  const scores = chance(0.6) ? [100, 80, 60, 40] : [int(9000, 10000) / 100, int(6000, 8999) / 100, pick([33.33, 50, 60.5]), pick([0, 12.34, 40])];
  const scale = [...OPTIONS.map((option, k) => ({ option, score: scores[k]!, top: k === 0 })), { option: ABSTAIN, score: null, top: false }];
  const indicatorCount = int(1, 3);
  const indicatorWeights = weights(indicatorCount);
  const indicators = indicatorWeights.map((weightPct, k) => ({ id: `i${k + 1}`, name: `指标${k + 1}`, weightPct }));
  const groupCount = int(1, 4);
  const groupWeights = weights(groupCount);
  const subjectCount = int(1, 8);
  const subjects = Array.from({ length: subjectCount }, (_, k) => ({ id: `s${k + 1}`, name: `对象${k + 1}`, graded: chance(0.85) }));
  const bandCount = chance(0.8) ? 4 : int(1, 4);
  const mins = chance(0.6) ? [90, 70, 60, 0] : [pick([85.55, 88, 90]), pick([70, 66.67]), pick([60, 50.5]), pick([0, 20])];
  const bands = GRADES.slice(0, bandCount).map((grade, k) => ({ grade, min: k === bandCount - 1 && chance(0.7) ? 0 : mins[k]! }));

  // Ballots: a few templates per pack, copied often (identical ballots, ties), and "clone" subjects
  // that get the same choices as the subject before them (ties on composite and top share).
  const topBias = chance(0.4) ? 0.7 + 0.3 * random() : random();
  const blank = chance(0.5) ? 0.1 : 0;
  const abstain = chance(0.6) ? 0.1 : 0;
  const cloneSubjects = chance(0.5);
  const lazy = chance(0.3);
  const choice = (): string | undefined => {
    if (chance(blank)) return undefined;
    if (chance(abstain)) return ABSTAIN;
    return chance(topBias) ? OPTIONS[0]! : pick(OPTIONS);
  };
  const makeChoices = (): Record<string, Record<string, string>> => {
    if (lazy && chance(0.3)) {
      const option = pick(OPTIONS);
      return Object.fromEntries(subjects.map((s) => [s.id, Object.fromEntries(indicators.map((i) => [i.id, option]))]));
    }
    const choices: Record<string, Record<string, string>> = {};
    let previous: Record<string, string> | undefined;
    for (const subject of subjects) {
      let row: Record<string, string> = {};
      if (cloneSubjects && previous && chance(0.8)) row = { ...previous };
      else for (const indicator of indicators) {
        const option = choice();
        if (option !== undefined) row[indicator.id] = option;
      }
      previous = row;
      if (Object.keys(row).length > 0 || chance(0.5)) choices[subject.id] = row;
    }
    return choices;
  };
  const templates = Array.from({ length: int(1, 3) }, makeChoices);
  const groups = groupWeights.map((weightPct, k) => ({ id: `g${k + 1}`, name: `主体${k + 1}`, weightPct, issued: 0 }));
  const ballots: TallyPack['ballots'] = [];
  for (const group of groups) {
    const returned = chance(0.08) ? 0 : int(1, 12);
    for (let b = 0; b < returned; b++) ballots.push({ group: group.id, choices: chance(0.4) ? structuredClone(pick(templates)) : makeChoices() });
    group.issued = chance(0.02) && returned > 0 ? returned - 1 : chance(0.03) ? 0 : returned + int(0, chance(0.5) ? 2 : 8);
  }
  ballots.sort(() => random() - 0.5);

  const trimMoreThan = int(2, 7);
  const scored = OPTIONS;
  const vetoes = Array.from({ length: chance(0.5) ? int(1, 2) : 0 }, (_, k) => ({
    id: `v${k + 1}`,
    label: `否决${k + 1}`,
    group: pick(groups).id,
    options: scored.filter(() => chance(0.4)).concat(chance(0.5) ? ['不合格'] : [pick(scored)]).filter((o, j, all) => all.indexOf(o) === j),
    atMost: pick(bands).grade,
    ...threshold(['1/2', '1/3', '1/4', '50%', '30%', '0%', '1/10']),
  }));
  return {
    format: 'manyi-appraisal-v1',
    campaign: { id: `c${index}`, name: `交叉核对 ${index}`, kind: '党员民主评议' },
    scale,
    indicators,
    groups,
    subjects,
    rules: {
      quorum: chance(0.15) ? threshold() : threshold(['1/2', '2/3', '1/3', '50%', '30%', '33.3%', '0%', '0/5']),
      onQuorumFail: chance(0.5) ? 'void' : 'renormalise',
      invalidIfIdentical: chance(0.6) ? { minSubjects: int(2, 4) } : null,
      excellentPerBallot: chance(0.5) ? { maxShare: pick(['1/3', '1/2', '30%', '2/3', '0%', '100%']) } : null,
      trim: chance(0.6) ? { moreThan: trimMoreThan, drop: int(1, Math.floor(trimMoreThan / 2)) } : null,
      bands,
      vetoes,
      excellentCap: bandCount >= 2 && chance(0.7) ? { maxShare: pick(['1/3', '1/2', '30%', '1/4', '0%', '2/3', '40%']) } : null,
    },
    ballots,
  } as TallyPack;
}

/** Key order aside: sort the keys of every object. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  return value;
}
function differences(a: unknown, b: unknown, path = '$', out: string[] = []): string[] {
  if (JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`, out);
  } else out.push(`${path}: ts=${JSON.stringify(a)} py=${JSON.stringify(b)}`);
  return out;
}

const directory = mkdtempSync(join(tmpdir(), 'appraisal-crosscheck-'));
const fired: Record<string, number> = {
  void: 0, 'void:returned-exceeds-issued': 0, 'void:quorum': 0, 'quorum (renormalised)': 0, trim: 0, veto: 0,
  'excellent-cap': 0, 'excellent-cap-tie': 0, 'invalid ballots': 0, ungraded: 0,
};
const failures: string[] = [];
let differing = 0;
for (let index = 0; index < packs; index++) {
  const pack = generatePack(index);
  const problems = packProblems(pack);
  if (problems.length > 0) throw new Error(`generated pack ${index} is not valid: ${JSON.stringify(problems)}`);
  const file = join(directory, `pack-${String(index).padStart(4, '0')}.json`);
  const text = JSON.stringify(pack, null, 2);
  writeFileSync(file, text);
  const ts = JSON.parse(JSON.stringify(tally(JSON.parse(text) as TallyPack))) as {
    void: boolean; reasons: string[]; groups: { invalid: number }[]; subjects: { rules: string[] }[];
  };
  const py = JSON.parse(execFileSync('python3', [python, file], { encoding: 'utf8' })) as unknown;

  const rules = new Set(ts.subjects.flatMap((s) => s.rules.map((r) => r.replace(/:.*/, ''))));
  if (ts.void) fired.void!++;
  if (ts.reasons.some((r) => r.startsWith('returned-exceeds-issued:'))) fired['void:returned-exceeds-issued']!++;
  if (ts.reasons.some((r) => r.startsWith('quorum:'))) fired['void:quorum']!++;
  if (rules.has('quorum')) fired['quorum (renormalised)']!++;
  for (const rule of ['trim', 'veto', 'excellent-cap', 'excellent-cap-tie', 'ungraded']) if (rules.has(rule)) fired[rule]!++;
  if (ts.groups.some((g) => g.invalid > 0)) fired['invalid ballots']!++;

  const diff = differences(ts, py);
  if (diff.length > 0) {
    differing++;
    if (failures.length < 5) failures.push(`${file}\n    ${diff.slice(0, 8).join('\n    ')}${diff.length > 8 ? `\n    … ${diff.length - 8} more` : ''}`);
  }
}

console.log(`packs compared: ${packs} (seed ${seed}, written to ${directory})`);
console.log('packs in which each rule fired:');
for (const [rule, count] of Object.entries(fired)) console.log(`  ${rule.padEnd(30)} ${count}`);
console.log(`differences: ${differing}`);
for (const failure of failures) console.log(`  ${failure}`);
process.exit(differing > 0 ? 1 : 0);
