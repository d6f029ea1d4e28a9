import type { BallotFormView } from '#shared/contracts/appraisal/ballots.js';

/**
 * The ballot as the /v page shows it: graded subjects first, each group in the configured order
 * (an ungraded subject — a probationary member, 不定等次 — is still rated), and the radio names that
 * carry a choice back: `c/{subjectId}/{indicatorId}` (ids never hold a `/`).
 */
export type Ballot = Pick<BallotFormView, 'campaignId' | 'campaignName' | 'group' | 'subjects' | 'indicators' | 'scale'>;

export function ballotOf(view: BallotFormView): Ballot {
  const subjects = [...view.subjects.filter((subject) => subject.graded), ...view.subjects.filter((subject) => !subject.graded)];
  return { campaignId: view.campaignId, campaignName: view.campaignName, group: view.group, subjects, indicators: view.indicators, scale: view.scale };
}

export const CHOICE_PREFIX = 'c/';
export const choiceName = (subjectId: string, indicatorId: string): string => `${CHOICE_PREFIX}${subjectId}/${indicatorId}`;

/** What the page holds between its steps; never a choice after the ballot is cast, never the code then. */
export type VoteState =
  | { step: 'code'; typed: string; error: string }
  | { step: 'ballot'; code: string; ballot: Ballot; choices: Record<string, string>; error: string | null; invalid: string[] }
  | { step: 'done' };
