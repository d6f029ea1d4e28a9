import { personalNumberIn } from '../personal-numbers.js';
import { SUPPRESSION_K } from '../report-suppression.js';
import { opensCase } from './case-state.js';

/**
 * Which answers of a closed 阳光测评 round open 差评 cases (issue 15 §1; decision 0030). A round's
 * answers are anonymous by construction: stored with their round and stratum only, never the person,
 * the entry, the unit or the day. A case per 差评 must not undo that, so:
 *
 * - cases are opened at the close, all at once (no answer's moment shows in its case), dated the
 *   close's day, and hold only what the answer holds (level, reasons, comment) and where it belongs;
 * - only strata with at least k answers (k = 5, the results' own small-group rule) open cases: in a
 *   stratum of fewer answers, one 差评 would point at one of a handful of people the unit could name.
 *   Their 差评 still count in the round's results; they open no case.
 */
export interface RoundAnswer {
  id: string;
  stratum: string;
  level: number;
}

/** A case keeps its answer's comment only where the round's results would show comments: strata of ten answers or more. */
export const ROUND_CASE_COMMENT_K = 10;

/**
 * The 差评 that open cases, each with whether its comment goes with it (a stratum of at least
 * `commentK` answers, and no phone or ID number in it); and how many strata had 差评 but too few
 * answers — a count of strata, never of their 差评, which would be a small cell.
 */
export function roundCaseAnswers<A extends RoundAnswer & { comment?: string | undefined }>(
  answers: readonly A[],
  k: number = SUPPRESSION_K,
  commentK: number = ROUND_CASE_COMMENT_K,
): { opening: { answer: A; keepComment: boolean }[]; withheldStrata: number } {
  const perStratum = new Map<string, number>();
  for (const answer of answers) perStratum.set(answer.stratum, (perStratum.get(answer.stratum) ?? 0) + 1);
  const bad = answers.filter((answer) => opensCase(answer.level));
  const size = (answer: A) => perStratum.get(answer.stratum) ?? 0;
  const opening = bad
    .filter((answer) => size(answer) >= k)
    .map((answer) => ({ answer, keepComment: answer.comment !== undefined && size(answer) >= commentK && personalNumberIn(answer.comment) === undefined }));
  const withheldStrata = new Set(bad.filter((answer) => size(answer) < k).map((answer) => answer.stratum)).size;
  return { opening, withheldStrata };
}
