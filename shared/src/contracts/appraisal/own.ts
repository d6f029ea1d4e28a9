import * as z from 'zod';
import { CAMPAIGN_KINDS } from '../../domain/appraisal/campaign.js';
import type { Operation } from '../operation.js';
import { errorResponse, forbidden as forbiddenTo, unauthorized } from '../responses.js';
import { APPRAISAL_MIN_GROUP, IndicatorFigures } from './ballots.js';
import { TallyRulesInput } from './tally-pack.js';

/**
 * A staff member's own published 民主评议 results (issue 14 §5: "a subject sees their own published
 * result at /me"): every published campaign of their unit or an ancestor in which they were a
 * subject — the composite, the proposed and the final grade with the committee's reason, the rules
 * that fired, and per rater group the score and means; a group's option counts hidden under 10
 * valid ballots, as everywhere. Nothing before publication, nothing of anyone else.
 */
export const OwnAppraisal = z.object({
  campaignId: z.string(),
  name: z.string(),
  year: z.number().int(),
  kind: z.enum(CAMPAIGN_KINDS),
  unitName: z.string(),
  round: z.number().int(),
  publishedAt: z.string(),
  graded: z.boolean(),
  composite: z.string().nullable(),
  proposedGrade: z.string().nullable(),
  finalGrade: z.object({ grade: z.string(), reason: z.string().optional() }).nullable().meta({ description: '组织评定, with its reason where it differs from the proposal' }),
  rules: z.array(z.string()).meta({ description: 'The rules that fired (trim, quorum, veto:{id}, excellent-cap, excellent-cap-tie, ungraded)' }),
  scale: z.array(z.string()).meta({ description: 'The options, best first: the order of the counts' }),
  tallyRules: TallyRulesInput.meta({ description: 'The campaign’s rules, to say the fired ones in words' }),
  groups: z.array(z.object({ id: z.string(), name: z.string(), weightPct: z.number(), score: z.string().nullable(), indicators: z.array(IndicatorFigures) })),
});
export type OwnAppraisal = z.infer<typeof OwnAppraisal>;

export const OwnAppraisals = z
  .object({
    staff: z.object({ name: z.string(), staffNo: z.string() }),
    results: z.array(OwnAppraisal).meta({ description: 'Newest year first' }),
    minGroup: z.literal(APPRAISAL_MIN_GROUP),
  })
  .meta({ id: 'OwnAppraisals' });
export type OwnAppraisals = z.infer<typeof OwnAppraisals>;

export const ownAppraisalOperations = {
  myAppraisals: {
    method: 'GET',
    path: '/api/me/appraisals',
    summary: 'A staff member’s own published 民主评议 results (never before publication, never anyone else’s)',
    tag: 'appraisal',
    auth: 'bearer',
    responses: {
      200: { description: 'The caller’s published results', schema: OwnAppraisals },
      401: unauthorized,
      403: forbiddenTo('read their own results', 'staff accounts'),
      404: errorResponse('No staff record for the account: its person id must be the 工号 of a staff member of its unit'),
    },
  },
} as const satisfies Record<string, Operation>;
