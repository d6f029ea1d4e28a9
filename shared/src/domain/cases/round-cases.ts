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

export function roundCaseAnswers<A extends RoundAnswer>(answers: readonly A[], k: number = SUPPRESSION_K): { opening: A[]; withheld: number } {
  const perStratum = new Map<string, number>();
  for (const answer of answers) perStratum.set(answer.stratum, (perStratum.get(answer.stratum) ?? 0) + 1);
  const bad = answers.filter((answer) => opensCase(answer.level));
  const opening = bad.filter((answer) => (perStratum.get(answer.stratum) ?? 0) >= k);
  return { opening, withheld: bad.length - opening.length };
}
