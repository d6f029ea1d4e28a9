import { compare, hundredthsOf, parseRatio, type Fraction } from './exact.js';

/**
 * The tally pack of a 民主评议 round, format `manyi-appraisal-v1` (docs/decisions/0025): the
 * configuration and the ballots — never a code — from which anyone recomputes the result with
 * their own code. These are the domain's types; shared/src/contracts/appraisal/tally-pack.ts is the
 * JSON boundary that checks the shapes, and `packProblems` below checks what shapes cannot.
 */
export const APPRAISAL_FORMAT = 'manyi-appraisal-v1';

/** "1/2", "2/3", "30%": see parseRatio. */
export type Ratio = string;

/** A threshold on a share: met when the share is above (`moreThan`) or at least (`atLeast`) the ratio. */
export type Threshold = { moreThan: Ratio; atLeast?: undefined } | { atLeast: Ratio; moreThan?: undefined };

export interface ScaleOption {
  option: string;
  /** null for 弃权: a valid choice that is not scored. */
  score: number | null;
  /** true for exactly one option: the best (优秀). */
  top: boolean;
}

export interface PackIndicator {
  id: string;
  name: string;
  weightPct: number;
}

export interface PackGroup {
  id: string;
  name: string;
  weightPct: number;
  issued: number;
}

export interface PackSubject {
  id: string;
  name: string;
  graded: boolean;
}

export type Veto = {
  id: string;
  label: string;
  group: string;
  options: string[];
  atMost: string;
} & Threshold;

export interface Band {
  grade: string;
  min: number;
}

export interface TallyRules {
  quorum: Threshold;
  onQuorumFail: 'void' | 'renormalise';
  invalidIfIdentical: { minSubjects: number } | null;
  excellentPerBallot: { maxShare: Ratio } | null;
  trim: { moreThan: number; drop: number } | null;
  /** Best grade first, minimums strictly descending. */
  bands: Band[];
  vetoes: Veto[];
  excellentCap: { maxShare: Ratio } | null;
}

export interface PackBallot {
  group: string;
  /** subjectId → indicatorId → option. A subject or indicator left out is a blank choice. */
  choices: Record<string, Record<string, string>>;
}

export interface TallyPack {
  format: typeof APPRAISAL_FORMAT;
  campaign: { id: string; name: string; kind: string };
  scale: ScaleOption[];
  indicators: PackIndicator[];
  groups: PackGroup[];
  subjects: PackSubject[];
  rules: TallyRules;
  ballots: PackBallot[];
}

export interface PackProblem {
  /** Where, as a JSON path: "groups", "rules.vetoes.0.group", "ballots.17.choices.m3". */
  field: string;
  message: string;
}

/** The threshold's ratio and whether it is strict, or undefined when the ratio is malformed. */
export function thresholdOf(threshold: Threshold): { ratio: Fraction; strict: boolean } | undefined {
  const strict = threshold.moreThan !== undefined;
  const ratio = parseRatio(strict ? threshold.moreThan! : threshold.atLeast!);
  return ratio && { ratio, strict };
}

/** share (num/den, den > 0) against a threshold. */
export function meets(share: Fraction, threshold: { ratio: Fraction; strict: boolean }): boolean {
  const order = compare(share, threshold.ratio);
  return threshold.strict ? order > 0 : order >= 0;
}

const ONE: Fraction = { num: 1n, den: 1n };

function duplicates(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

function checkRatio(problems: PackProblem[], field: string, text: string): void {
  const ratio = parseRatio(text);
  if (!ratio) problems.push({ field, message: `"${text}" is not a ratio: write "n/d" (e.g. "2/3") or a percentage (e.g. "30%")` });
  else if (compare(ratio, ONE) > 0) problems.push({ field, message: `"${text}" is above 1` });
}

function checkThreshold(problems: PackProblem[], field: string, threshold: Threshold): void {
  const hasMore = threshold.moreThan !== undefined;
  const hasLeast = threshold.atLeast !== undefined;
  if (hasMore === hasLeast) problems.push({ field, message: 'needs exactly one of moreThan and atLeast' });
  else if (hasMore) checkRatio(problems, `${field}.moreThan`, threshold.moreThan!);
  else checkRatio(problems, `${field}.atLeast`, threshold.atLeast!);
}

function checkWeights(problems: PackProblem[], field: string, items: readonly { weightPct: number }[]): void {
  let total = 0n;
  let exact = true;
  items.forEach((item, index) => {
    const hundredths = hundredthsOf(item.weightPct);
    if (hundredths === undefined || hundredths < 0n) {
      exact = false;
      problems.push({ field: `${field}.${index}.weightPct`, message: 'must be a number from 0 to 100 with at most two decimals' });
    } else total += hundredths;
  });
  if (exact && total !== 10_000n) {
    const sum = `${total / 100n}${total % 100n ? `.${(total % 100n).toString().padStart(2, '0').replace(/0$/, '')}` : ''}`;
    problems.push({ field, message: `weights must total exactly 100%; they total ${sum}%` });
  }
}

/**
 * Everything about a pack that its JSON shape cannot say, each with the field: unique ids, weights
 * totalling exactly 100%, one top option with a score, bands best-first, rules naming what exists,
 * ballots naming only known groups, subjects, indicators and options. Empty when the pack can be
 * tallied.
 */
export function packProblems(pack: TallyPack): PackProblem[] {
  const problems: PackProblem[] = [];
  const { scale, indicators, groups, subjects, rules } = pack;

  for (const [field, ids] of [
    ['scale', scale.map((option) => option.option)],
    ['indicators', indicators.map((indicator) => indicator.id)],
    ['groups', groups.map((group) => group.id)],
    ['subjects', subjects.map((subject) => subject.id)],
    ['rules.bands', rules.bands.map((band) => band.grade)],
    ['rules.vetoes', rules.vetoes.map((veto) => veto.id)],
  ] as const) {
    const twice = duplicates(ids);
    if (twice !== undefined) problems.push({ field, message: `"${twice}" appears twice` });
  }

  if (scale.length === 0) problems.push({ field: 'scale', message: 'needs at least one option' });
  scale.forEach((option, index) => {
    if (option.score !== null && (hundredthsOf(option.score) === undefined || option.score < 0))
      problems.push({ field: `scale.${index}.score`, message: 'must be null (not scored) or a number ≥ 0 with at most two decimals' });
  });
  const tops = scale.filter((option) => option.top);
  if (tops.length !== 1) problems.push({ field: 'scale', message: `exactly one option must be top; ${tops.length} are` });
  else if (tops[0]!.score === null) problems.push({ field: 'scale', message: `the top option "${tops[0]!.option}" must have a score` });

  if (indicators.length === 0) problems.push({ field: 'indicators', message: 'needs at least one indicator' });
  else checkWeights(problems, 'indicators', indicators);
  if (groups.length === 0) problems.push({ field: 'groups', message: 'needs at least one rater group' });
  else checkWeights(problems, 'groups', groups);
  groups.forEach((group, index) => {
    if (!Number.isSafeInteger(group.issued) || group.issued < 0) problems.push({ field: `groups.${index}.issued`, message: 'must be a whole number ≥ 0' });
  });

  checkThreshold(problems, 'rules.quorum', rules.quorum);
  if (rules.invalidIfIdentical && (!Number.isSafeInteger(rules.invalidIfIdentical.minSubjects) || rules.invalidIfIdentical.minSubjects < 2))
    problems.push({ field: 'rules.invalidIfIdentical.minSubjects', message: 'must be a whole number ≥ 2' });
  if (rules.excellentPerBallot) checkRatio(problems, 'rules.excellentPerBallot.maxShare', rules.excellentPerBallot.maxShare);
  if (rules.excellentCap) checkRatio(problems, 'rules.excellentCap.maxShare', rules.excellentCap.maxShare);
  if (rules.trim) {
    const { moreThan, drop } = rules.trim;
    if (!Number.isSafeInteger(drop) || drop < 1) problems.push({ field: 'rules.trim.drop', message: 'must be a whole number ≥ 1' });
    else if (!Number.isSafeInteger(moreThan) || moreThan < 2 * drop)
      problems.push({ field: 'rules.trim.moreThan', message: `must be a whole number ≥ 2 × drop (${2 * drop}), so that a score is left` });
  }

  if (rules.bands.length === 0) problems.push({ field: 'rules.bands', message: 'needs at least one band' });
  rules.bands.forEach((band, index) => {
    const min = hundredthsOf(band.min);
    if (min === undefined) problems.push({ field: `rules.bands.${index}.min`, message: 'must be a number with at most two decimals' });
    else if (index > 0 && hundredthsOf(rules.bands[index - 1]!.min)! <= min)
      problems.push({ field: `rules.bands.${index}.min`, message: 'bands go from the best grade down: each minimum below the one before' });
  });
  if (rules.excellentCap && rules.bands.length < 2) problems.push({ field: 'rules.excellentCap', message: 'needs a grade below the best one to move subjects to' });

  const grades = new Set(rules.bands.map((band) => band.grade));
  const groupIds = new Set(groups.map((group) => group.id));
  const scored = new Set(scale.filter((option) => option.score !== null).map((option) => option.option));
  rules.vetoes.forEach((veto, index) => {
    const field = `rules.vetoes.${index}`;
    if (!groupIds.has(veto.group)) problems.push({ field: `${field}.group`, message: `"${veto.group}" is not a rater group` });
    if (veto.options.length === 0) problems.push({ field: `${field}.options`, message: 'needs at least one option' });
    for (const option of veto.options)
      if (!scored.has(option)) problems.push({ field: `${field}.options`, message: `"${option}" is not a scored option of the scale` });
    if (!grades.has(veto.atMost)) problems.push({ field: `${field}.atMost`, message: `"${veto.atMost}" is not a grade of the bands` });
    checkThreshold(problems, field, veto);
  });

  const check = choiceChecker(pack);
  pack.ballots.forEach((ballot, index) => {
    const field = `ballots.${index}`;
    if (!groupIds.has(ballot.group)) problems.push({ field: `${field}.group`, message: `"${ballot.group}" is not a rater group` });
    problems.push(...check(ballot.choices, `${field}.choices`));
  });
  return problems;
}

/**
 * The check of one ballot's choices against a configuration: every subject, indicator and option
 * known. A pack (above) and a ballot submitted at /v (refused before anything is written) use the
 * same words.
 */
export function choiceChecker(config: Pick<TallyPack, 'subjects' | 'indicators' | 'scale'>) {
  const subjectIds = new Set(config.subjects.map((subject) => subject.id));
  const indicatorIds = new Set(config.indicators.map((indicator) => indicator.id));
  const options = new Set(config.scale.map((option) => option.option));
  return (choices: PackBallot['choices'], field: string): PackProblem[] => {
    const problems: PackProblem[] = [];
    for (const [subjectId, byIndicator] of Object.entries(choices)) {
      if (!subjectIds.has(subjectId)) {
        problems.push({ field: `${field}.${subjectId}`, message: 'is not a subject of the pack' });
        continue;
      }
      for (const [indicatorId, option] of Object.entries(byIndicator)) {
        if (!indicatorIds.has(indicatorId)) problems.push({ field: `${field}.${subjectId}.${indicatorId}`, message: 'is not an indicator of the pack' });
        else if (!options.has(option)) problems.push({ field: `${field}.${subjectId}.${indicatorId}`, message: `"${option}" is not an option of the scale` });
      }
    }
    return problems;
  };
}
