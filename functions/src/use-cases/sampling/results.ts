import type { RoundConfig } from '#shared/contracts/sampling/rounds.js';
import type { RoundResults } from '#shared/contracts/sampling/results.js';
import { emptyLevelCounts } from '#shared/domain/level-counts.js';
import { suppressionRule } from '#shared/domain/report-build.js';
import { SUPPRESSION_K } from '#shared/domain/report-suppression.js';
import { buildRoundResults, type StratumCounts } from '#shared/domain/sampling/round-results.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { InvitationStore } from '../../data/sampling-invitations.js';
import type { RoundRecord } from '../../data/sampling-rounds.js';
import { ConflictError } from '../../errors.js';
import { stratumFunnels } from './funnel.js';
import { authorizeRound, unitNames, type RoundDeps } from './rounds.js';

/** Comments are not part of a round's results yet; the report rule's comment threshold is printed as reports print it. */
const COMMENTS_K = 10;

export const ESTIMATE_DEFINITION = {
  zh: '分层估计：p̂ = Σ W_h·p̂_h，W_h = N_h ÷ N（该层在抽样框中的人数占比），p̂_h 为该层有效答复中的比率；95% 置信区间 p̂ ± 1.96·√v，v = Σ W_h²·(1 − n_h/N_h)·p̂_h(1 − p̂_h)/(n_h − 1)（Cochran），n_h 为该层有效答复数。每层至少 2 份答复方可估计。',
  en: 'Stratified estimate: p̂ = Σ W_h·p̂_h with W_h = N_h ÷ N (the stratum’s share of the frame) and p̂_h the rate among the stratum’s valid answers; 95% interval p̂ ± 1.96·√v, v = Σ W_h²·(1 − n_h/N_h)·p̂_h(1 − p̂_h)/(n_h − 1) (Cochran), n_h the stratum’s valid answers. Each stratum needs at least 2 answers.',
};

function nonResponseText(drawn: number, responded: number): { zh: string; en: string } {
  const missing = drawn - responded;
  const share = drawn > 0 ? Math.round((missing / drawn) * 1000) / 10 : 0;
  return {
    zh: `抽中 ${drawn} 人，${responded} 人答复，${missing} 人（${share}%）未答复。估计把每层的答复者视为该层的随机样本；若未答复者的看法与答复者不同，估计会有偏差，区间不包含这部分不确定性。`,
    en: `${drawn} drawn, ${responded} answered, ${missing} (${share}%) did not. The estimate treats each stratum's respondents as a random sample of it; if those who did not answer think differently, it is biased, and the interval does not include that uncertainty.`,
  };
}

type ResultDeps = RoundDeps & { invitations: Pick<InvitationStore, 'list' | 'answerCounts'> };

/** From the draw on: the funnel of every stratum, their rates from k answers, the stratified estimate. */
export async function roundResults(deps: ResultDeps, principal: Principal, roundId: string): Promise<RoundResults> {
  const attempt: Attempt = { action: 'round.results', objectType: 'round', objectId: roundId };
  const { round } = await authorizeRound(deps, principal, 'results:read', attempt);
  if (!['drawn', 'sending', 'closed', 'published'].includes(round.state)) {
    throw new ConflictError('state', 'a round has results from the draw on (已抽取)');
  }
  const results = await resultsOf(deps, round);
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId });
  return results;
}

/**
 * A drawn round's results, whoever reads them (the caller has decided they may): the published page
 * reads them too, with the unit names it has looked up already (`names`, unitNames of the round).
 */
export async function resultsOf(deps: ResultDeps, round: RoundRecord, names?: ReadonlyMap<string, string>): Promise<RoundResults> {
  const [invitations, answers, found] = await Promise.all([
    round.funnel ? [] : deps.invitations.list(round.roundId),
    deps.invitations.answerCounts(round.roundId),
    names ?? unitNames(deps, [round]),
  ]);
  names = found;
  const byUnit = (round.config as unknown as RoundConfig).strataBy === 'unit';
  // A closed round's invitations no longer say who answered: its funnel was counted onto it at close.
  const funnels = new Map((round.funnel ?? stratumFunnels(round, invitations)).map((stratum) => [stratum.key, stratum]));
  const strata: StratumCounts[] = (round.strata ?? []).map(({ key, N }) => {
    const { drawn, sent, failed, responded, optedOut } = funnels.get(key) ?? { drawn: 0, sent: 0, failed: 0, responded: 0, optedOut: 0 };
    return {
      key,
      ...(byUnit && names.has(key) ? { label: names.get(key)! } : {}),
      N,
      drawn,
      sent,
      failed,
      responded,
      optedOut,
      counts: answers.get(key) ?? emptyLevelCounts(),
    };
  });
  // While the round takes answers only the funnel is shown: the rates and the estimate come with the close.
  const built = buildRoundResults(strata, undefined, undefined, { open: round.state === 'drawn' || round.state === 'sending' });
  return {
    roundId: round.roundId,
    name: (round.config as unknown as RoundConfig).name,
    state: round.state,
    ...built,
    definition: ESTIMATE_DEFINITION,
    nonResponse: nonResponseText(built.funnel.drawn, built.funnel.responded),
    suppression: { k: SUPPRESSION_K, rule: suppressionRule(SUPPRESSION_K, COMMENTS_K) },
    interval: { method: 'wilson', confidence: 0.95 },
  };
}
