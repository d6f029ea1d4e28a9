import { tallyCounter, type TallyConfig } from '../../shared/src/domain/appraisal/tally.js';
import type { PackBallot } from '../../shared/src/domain/appraisal/pack.js';
import { seededRandom } from '../../infra/local/demo-county.js';

/**
 * One tally of a large 民主评议 round in a process of its own (the bench's `appraisal` section
 * spawns it under the heap a 256 MB function leaves its code), so that its peak RSS is the
 * tally's. The ballots arrive page by page as a ballot box read from the database would deliver
 * them — each page's ballot objects made just before they are counted and dropped after — and the
 * counter holds only counts. Prints one JSON line (AppraisalTallyRun).
 *
 * Env: BENCH_TALLY_SUBJECTS (200), BENCH_TALLY_GROUPS (5), BENCH_TALLY_BALLOTS per group (2000),
 * BENCH_TALLY_INDICATORS (1), BENCH_TALLY_SEED.
 */
export interface AppraisalTallyRun {
  subjects: number;
  groups: number;
  ballotsPerGroup: number;
  indicators: number;
  /** Counting every ballot and computing the result (ballot objects made page by page included). */
  tallyMs: number;
  /** Of which the result from the counts (means, scores, bands, vetoes, cap). */
  finishMs: number;
  invalid: number;
  proposedTop: number;
  /** Subjects the 优秀 cap moved down, and subjects a veto fired for. */
  capped: number;
  vetoed: number;
  baseRssMiB: number;
  maxRssMiB: number;
}

const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SUBJECTS = number('BENCH_TALLY_SUBJECTS', 200);
const GROUPS = number('BENCH_TALLY_GROUPS', 5);
const BALLOTS = number('BENCH_TALLY_BALLOTS', 2000);
const INDICATORS = number('BENCH_TALLY_INDICATORS', 1);
const PAGE = 100;

const OPTIONS = ['优秀', '合格', '基本合格', '不合格', '弃权'];
// Group weights 30/25/20/15/10 (5 groups), else equal parts in hundredths with the rest on the first.
function weights(count: number): number[] {
  if (count === 5) return [30, 25, 20, 15, 10];
  const part = Math.floor(10_000 / count);
  return Array.from({ length: count }, (_, i) => (i === 0 ? 10_000 - part * (count - 1) : part) / 100);
}

const config: TallyConfig = {
  format: 'manyi-appraisal-v1',
  campaign: { id: 'bench', name: 'bench', kind: '党员民主评议' },
  scale: OPTIONS.map((option, i) => ({ option, score: i === 4 ? null : 100 - 20 * i, top: i === 0 })),
  indicators: weights(INDICATORS).map((weightPct, i) => ({ id: `i${i}`, name: `指标${i}`, weightPct })),
  groups: weights(GROUPS).map((weightPct, g) => ({ id: `g${g}`, name: `群体${g}`, weightPct, issued: BALLOTS + 100 })),
  subjects: Array.from({ length: SUBJECTS }, (_, s) => ({ id: `s${String(s).padStart(4, '0')}`, name: `对象${s}`, graded: s % 10 !== 9 })),
  rules: {
    quorum: { moreThan: '1/2' },
    onQuorumFail: 'renormalise',
    invalidIfIdentical: { minSubjects: 3 },
    excellentPerBallot: { maxShare: '1/2' },
    trim: { moreThan: 5, drop: 1 },
    bands: [
      { grade: '优秀', min: 90 },
      { grade: '合格', min: 70 },
      { grade: '基本合格', min: 60 },
      { grade: '不合格', min: 0 },
    ],
    vetoes: [{ id: 'last-group', label: '最后一组不合格票达半数', group: `g${GROUPS - 1}`, options: ['不合格'], atLeast: '1/2', atMost: '不合格' }],
    excellentCap: { maxShare: '1/3' },
  },
};

function main(): void {
  const random = seededRandom(number('BENCH_TALLY_SEED', 20261207));
  // Each subject has a leaning, so composites spread over the bands and the cap has work to do.
  const leaning = config.subjects.map(() => random() ** 3);
  const baseRssMiB = process.memoryUsage().rss / 1024 / 1024;
  const started = performance.now();
  const counter = tallyCounter(config);
  for (let g = 0; g < GROUPS; g++) {
    for (let first = 0; first < BALLOTS; first += PAGE) {
      const page: PackBallot[] = [];
      for (let b = first; b < Math.min(BALLOTS, first + PAGE); b++) {
        const choices: Record<string, Record<string, string>> = {};
        const lazy = random() < 0.01; // 1 % identical ballots: everyone 优秀 (invalid)
        let tops = 0;
        for (let s = 0; s < SUBJECTS; s++) {
          const subject = config.subjects[s]!;
          const byIndicator: Record<string, string> = {};
          for (const indicator of config.indicators) {
            const draw = random();
            let option = lazy ? 0 : draw < 0.03 ? 4 : Math.min(3, Math.floor(draw * 1.6 + leaning[s]! * 2.2));
            if (option === 0 && !lazy && subject.graded && ++tops > SUBJECTS / 2 - 10) option = 1;
            if (draw > 0.995) continue; // a blank now and then
            byIndicator[indicator.id] = OPTIONS[option]!;
          }
          choices[subject.id] = byIndicator;
        }
        page.push({ group: `g${g}`, choices });
      }
      for (const ballot of page) counter.add(ballot);
    }
  }
  const counted = performance.now();
  const { result } = counter.finish();
  const finished = performance.now();
  const run: AppraisalTallyRun = {
    subjects: SUBJECTS,
    groups: GROUPS,
    ballotsPerGroup: BALLOTS,
    indicators: INDICATORS,
    tallyMs: Math.round(finished - started),
    finishMs: Math.round(finished - counted),
    invalid: result.groups.reduce((sum, group) => sum + group.invalid, 0),
    proposedTop: result.subjects.filter((subject) => subject.proposedGrade === '优秀').length,
    capped: result.subjects.filter((subject) => subject.rules.some((rule) => rule.startsWith('excellent-cap'))).length,
    vetoed: result.subjects.filter((subject) => subject.rules.some((rule) => rule.startsWith('veto:'))).length,
    baseRssMiB: Math.round(baseRssMiB * 10) / 10,
    maxRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
  };
  console.log(JSON.stringify(run));
}

main();
