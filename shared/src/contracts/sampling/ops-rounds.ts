import type { Operation } from '../operation.js';
import { badRequest, errorResponse, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { DrawPack } from './draw-pack.js';
import { DrawRoundInput, RoundConfigInput, RoundList, RoundListQuery, RoundParams, RoundView } from './rounds.js';

const forbidden = forbiddenTo('run 阳光测评 rounds', 'system and unit administrators; the account that drew may not close or publish');
const notFound = noSuch('round', " in the caller's scope");
const unitNotFound = noSuch('unit', ' in scope');
const conflict = errorResponse('The round is not in a state this step starts from (e.g. a change after 已承诺)');

const step = (summary: string, description: string) =>
  ({
    method: 'POST',
    summary,
    description,
    tag: 'sampling',
    auth: 'bearer',
    params: RoundParams,
    responses: { 200: { description: 'The round after the step', schema: RoundView }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict },
  }) as const;

/** 阳光测评 rounds (issue 13 §2–3; docs/decisions/0017, 0021). */
export const roundOperations = {
  createRound: {
    method: 'POST',
    path: '/api/sampling-rounds',
    summary: 'Create a 阳光测评 round (草稿) for a unit subtree',
    tag: 'sampling',
    auth: 'bearer',
    body: RoundConfigInput,
    responses: { 201: { description: 'The draft round', schema: RoundView }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: unitNotFound },
  },
  listRounds: {
    method: 'GET',
    path: '/api/sampling-rounds',
    summary: 'The rounds of one unit, newest first',
    tag: 'sampling',
    auth: 'bearer',
    query: RoundListQuery,
    responses: { 200: { description: 'The rounds', schema: RoundList }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: unitNotFound },
  },
  getRound: {
    method: 'GET',
    path: '/api/sampling-rounds/{roundId}',
    summary: 'One round: configuration, state, commitment, frame hash and N_h, the draw; the seed once closed',
    tag: 'sampling',
    auth: 'bearer',
    params: RoundParams,
    responses: { 200: { description: 'The round', schema: RoundView }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound },
  },
  updateRound: {
    method: 'PUT',
    path: '/api/sampling-rounds/{roundId}',
    summary: 'Change a draft round’s configuration (409 from 已承诺 on)',
    tag: 'sampling',
    auth: 'bearer',
    params: RoundParams,
    body: RoundConfigInput,
    responses: { 200: { description: 'The round', schema: RoundView }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict },
  },
  commitRound: {
    ...step('草稿 → 已承诺: lock the configuration and publish the seed’s commitment', 'A fresh 32-byte seed is drawn and SHA-256(seed) published (manyi-draw-v1 step 1). A size above the frame as it stands now is a 400 giving N.'),
    path: '/api/sampling-rounds/{roundId}/commit',
  },
  freezeRound: {
    ...step('已承诺 → 已冻结: fix the frame, publish its hash, N_h and n_h', 'One entry per person (their latest 办件), minus those without a mobile and those quarantined, both counted (manyi-draw-v1 step 2). A job: each call reads the scope’s 办件 for a time budget and answers the round still 已承诺 with `freezing` (partitions read, of all) until the last call fixes the frame.'),
    path: '/api/sampling-rounds/{roundId}/freeze',
  },
  drawRound: {
    ...step('已冻结 → 已抽取: draw the sample with a public input typed at the draw', 'manyi-draw-v1 step 3. The account that draws cannot close the round. A job: the first call fixes the public input and the sample; it and later calls (the same public input, else 409) store the drawn entries for a time budget, `sampleWritten` of `drawn`.'),
    path: '/api/sampling-rounds/{roundId}/draw',
    body: DrawRoundInput,
  },
  closeRound: {
    ...step('已抽取 / 发送中 → 已截止: close and reveal the seed', 'Separation of duties: the account that drew gets a 403.'),
    path: '/api/sampling-rounds/{roundId}/close',
  },
  publishRound: {
    ...step(
      '已截止 → 已公布: publish the round’s results for anyone to read',
      'The results (cells under k hidden), the draw’s public facts and the verification pack become readable without an account (getPublishedRound, getPublishedDrawPack). Irreversible. Separation of duties: the account that drew gets a 403.',
    ),
    path: '/api/sampling-rounds/{roundId}/publish',
  },
  cancelRound: {
    ...step('Cancel a round before the draw (已取消)', 'From 草稿, 已承诺 or 已冻结; a drawn round cannot be cancelled.'),
    path: '/api/sampling-rounds/{roundId}/cancel',
  },
  getRoundDrawPack: {
    method: 'GET',
    path: '/api/sampling-rounds/{roundId}/draw-pack',
    summary: 'The verification pack (manyi-draw-v1) of a drawn round; the seed in it once the round is closed',
    tag: 'sampling',
    auth: 'bearer',
    params: RoundParams,
    responses: { 200: { description: 'The pack', schema: DrawPack }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound, 409: errorResponse('Not drawn yet') },
  },
} as const satisfies Record<string, Operation>;
