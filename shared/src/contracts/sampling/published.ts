import * as z from 'zod';
import type { Operation } from '../operation.js';
import { badRequest, notFound as noSuch } from '../responses.js';
import { STRATA_BY } from '../../domain/sampling/frame.js';
import { DrawPack } from './draw-pack.js';
import { RoundResults } from './results.js';
import { RoundParams, RoundStratum } from './rounds.js';

/**
 * A published round (已公布; issue 13 §2, docs/decisions/0024-publishing-rounds.md): what anyone may
 * read without an account once an administrator other than the one who drew has published the
 * round's results — its results as the committee reads them (cells under k hidden), the draw's
 * public facts (commitment, frame hash, N_h and n_h, public input, the revealed seed) and the
 * verification pack, so that anyone can re-run the draw with their own code.
 */
export const PublishedRound = z
  .object({
    roundId: z.string(),
    name: z.string(),
    unitName: z.string().meta({ description: 'The scope’s unit' }),
    period: z.object({ from: z.string(), to: z.string() }).meta({ description: '办件 finished on these China-time days' }),
    strataBy: z.enum(STRATA_BY),
    commitment: z.string().meta({ description: 'SHA-256 of the seed, published at 已承诺' }),
    seed: z.string().meta({ description: 'The seed, revealed at the close' }),
    frameHash: z.string(),
    publicInput: z.string(),
    frame: z.object({ matched: z.number().int(), withoutMobile: z.number().int(), people: z.number().int(), quarantined: z.number().int(), N: z.number().int() }),
    strata: z.array(RoundStratum),
    allocation: z.string().meta({ description: 'proportional, equal, neyman or fixed' }),
    drawnAt: z.string(),
    closedAt: z.string(),
    publishedAt: z.string(),
    results: RoundResults,
  })
  .meta({ id: 'PublishedRound' });
export type PublishedRound = z.infer<typeof PublishedRound>;

const notPublished = noSuch('published round', ': a round that does not exist and one not published (yet) answer the same');

export const publishedRoundOperations = {
  getPublishedRound: {
    method: 'GET',
    path: '/api/public/sampling-rounds/{roundId}',
    summary: 'A published 阳光测评 round: its results and the draw’s public facts, for anyone',
    tag: 'public',
    auth: 'none',
    params: RoundParams,
    responses: { 200: { description: 'The published round', schema: PublishedRound }, 400: badRequest, 404: notPublished },
  },
  getPublishedDrawPack: {
    method: 'GET',
    path: '/api/public/sampling-rounds/{roundId}/draw-pack',
    summary: 'The verification pack (manyi-draw-v1, seed included) of a published round, for anyone',
    tag: 'public',
    auth: 'none',
    params: RoundParams,
    responses: { 200: { description: 'The pack', schema: DrawPack }, 400: badRequest, 404: notPublished },
  },
} as const satisfies Record<string, Operation>;
