import * as z from 'zod';
import type { Operation } from '../operation.js';
import { badRequest, errorResponse, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { RateResult } from '../results.js';
import { ROUND_STATES } from '../../domain/sampling/round-state.js';
import { RoundParams } from './rounds.js';

/**
 * A 阳光测评 round's results (issue 13 §5; docs/decisions/0023-round-results.md): the funnel per
 * stratum (frame → drawn → sent → answered), the rates of each stratum with Wilson intervals, and
 * the stratified estimate of the round with its definition and the non-response beside it. A
 * stratum's answers are shown only from k = 5 (with complementary suppression over the strata),
 * as every report's cells are. Never pooled with window ratings.
 */
const Bilingual = z.object({ zh: z.string(), en: z.string() });
const Counts = z.object({ '1': z.number().int(), '2': z.number().int(), '3': z.number().int(), '4': z.number().int(), '5': z.number().int() });

const Funnel = z.object({
  N: z.number().int().meta({ description: 'People in the frame' }),
  drawn: z.number().int(),
  sent: z.number().int().meta({ description: 'Invitations that went out (the provider accepted them)' }),
  failed: z.number().int(),
  delivered: z.number().int().nullable().meta({ description: 'Delivery receipts; null: the sender does not report them (the local outbox; AWS receipts are not wired yet)' }),
  responded: z.number().int().meta({ description: 'People who answered (every answer through a link is valid: one per person)' }),
  optedOut: z.number().int(),
  responseRate: z.number().nullable().meta({ description: 'responded ÷ sent; null before anything was sent' }),
});

const Cell = z.object({
  suppressed: z
    .enum(['small-group', 'complementary', 'open'])
    .nullable()
    .meta({ description: 'Why no numbers are given: fewer than k answers, hidden so that none can be subtracted, or the round still takes answers (open: shown from 已截止 on); null when shown' }),
  n: z.number().int().nullable().meta({ description: 'Valid answers; null when suppressed' }),
  counts: Counts.nullable(),
  goodRate: RateResult.nullable(),
  satisfiedRate: RateResult.nullable(),
});

export const RoundStratumResult = Cell.extend({
  key: z.string(),
  label: z.string().optional(),
  W: z.number().meta({ description: 'W_h = N_h / N, the stratum’s weight in the estimate' }),
  funnel: Funnel,
});

const Estimate = z
  .discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value: z.number(), low: z.number(), high: z.number(), standardError: z.number() }),
    z.object({ ok: z.literal(false), problem: z.enum(['no-frame', 'too-few-answers', 'suppressed', 'open']), strata: z.array(z.string()) }),
  ])
  .meta({ description: 'p̂ = Σ W_h·p̂_h with its 95% interval (Cochran); or why there is none' });

export const RoundResults = z
  .object({
    roundId: z.string(),
    name: z.string(),
    state: z.enum(ROUND_STATES),
    funnel: Funnel,
    total: Cell.meta({ description: 'All answers of the round, unweighted (the estimate below is the weighted one)' }),
    strata: z.array(RoundStratumResult),
    estimate: z.object({ good: Estimate, satisfied: Estimate }),
    definition: Bilingual.meta({ description: 'How the estimate is computed, printed beside it' }),
    nonResponse: Bilingual.meta({ description: 'What the non-response means for the estimate, with the round’s numbers' }),
    suppression: z.object({ k: z.number().int(), rule: Bilingual }),
    interval: z.object({ method: z.literal('wilson'), confidence: z.literal(0.95) }),
  })
  .meta({ id: 'RoundResults' });
export type RoundResults = z.infer<typeof RoundResults>;

export const roundResultOperations = {
  getRoundResults: {
    method: 'GET',
    path: '/api/sampling-rounds/{roundId}/results',
    summary: 'A round’s funnel, its strata’s rates and the stratified estimate (from the draw on)',
    tag: 'sampling',
    auth: 'bearer',
    params: RoundParams,
    responses: {
      200: { description: 'The results as they stand', schema: RoundResults },
      400: badRequest,
      401: unauthorized,
      403: forbiddenTo('read results', 'administrators and committees'),
      404: noSuch('round', " in the caller's scope"),
      409: errorResponse('Not drawn yet: the results exist from the draw on (已抽取)'),
    },
  },
} as const satisfies Record<string, Operation>;
