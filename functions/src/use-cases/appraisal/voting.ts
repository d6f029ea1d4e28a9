import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { codeFromBytes, normalizeCode } from '#shared/domain/appraisal/ballot-code.js';
import { tallyConfigOf } from '#shared/domain/appraisal/campaign.js';
import { choiceChecker, type PackBallot, type TallyPack } from '#shared/domain/appraisal/pack.js';
import { tallyCounter, type TallyDetail } from '#shared/domain/appraisal/tally.js';
import type { CampaignView } from '#shared/contracts/appraisal/campaigns.js';
import { authorizeOwned, record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import { BALLOT_SHARDS, CodeRefused, type BallotStore } from '../../data/appraisal/ballots.js';
import { CampaignStateError, type CampaignRecord, type SupersededRound } from '../../data/appraisal/campaigns.js';
import { READ_CACHE_TTL_MS, ttlCache } from '../../data/read-cache.js';
import { BallotCodeUnknownError, BallotCodeUsedError, BallotRoundSupersededError, CampaignClosedError, ConflictError, TooManyRequestsError, ValidationError } from '../../errors.js';
import { codeAdmission, countCodeFailure, refuseThrottledCodes, type Requester, type Throttle } from '../../throttle/index.js';
import { derivedKey, type ClientKeyring } from '../../throttle/keyring.js';
import { mac128 } from '../../throttle/mac.js';
import { campaignView, type CampaignDeps } from './campaigns.js';

/**
 * The secret ballot of 民主评议 (issue 14 §1–2; decision 0027): opening a campaign issues its codes,
 * a code casts one ballot, closing stops the voting, and the tally and its pack are read from the
 * ballot box. A code is kept only as its keyed hash; a ballot only as its group and choices under
 * a random key; casting writes both in one transaction and nothing else — no audit entry, no log
 * line, no time — so that nothing joins a ballot to the code that cast it.
 */
export interface VotingDeps extends CampaignDeps {
  ballotBox: BallotStore;
  throttle: { keyring: ClientKeyring };
  randomBytes?: (size: number) => Buffer;
}

/** Never a China-time day (YYYY-MM-DD), so the derived key is never one of the anti-stuffing day keys. */
export const BALLOT_CODE_LABEL = 'ballot-code';

/** The keyed hash under which a code is stored: HMAC-SHA256 under the derived code key, 128 bits, base64url. */
export function codeMac(key: Uint8Array, code: string): string {
  return mac128(key, `ballot|${code}`);
}

const codeKey = (deps: Pick<VotingDeps, 'throttle'>) => derivedKey(deps.throttle.keyring, BALLOT_CODE_LABEL);

export interface IssuedCodes {
  group: string;
  groupName: string;
  /** The codes in clear: they exist here once, to be printed, and are kept nowhere. */
  codes: string[];
}

async function authorizeCampaign(deps: VotingDeps, principal: Principal, attempt: Attempt): Promise<CampaignRecord> {
  const found = await deps.campaigns.get(attempt.objectId);
  return (await authorizeOwned(deps, principal, 'appraisal:manage', attempt, found, { field: 'campaignId', noun: 'campaign' })).object;
}

/** One step of the campaign's life, from → to, by a conditional update; refused (409, audited) from any other state. */
async function step(
  deps: VotingDeps,
  principal: Principal,
  attempt: Attempt,
  campaign: CampaignRecord,
  [from, to]: [readonly CampaignRecord['state'][], CampaignRecord['state']],
  patch: Partial<CampaignRecord>,
  remove: readonly (keyof CampaignRecord)[] = [],
): Promise<CampaignRecord> {
  const refuse = async (state: string | undefined) => {
    const message = `the campaign is ${state ?? 'gone'}; this step starts from ${from.join(' or ')}`;
    await record(deps, principal, attempt, 'invalid', { unitId: campaign.unitId, detail: message });
    return new ConflictError('state', message);
  };
  if (!from.includes(campaign.state)) throw await refuse(campaign.state);
  try {
    return await deps.campaigns.transition(campaign.campaignId, from, { ...patch, state: to, updatedAt: deps.now().toISOString() }, remove);
  } catch (error) {
    if (error instanceof CampaignStateError) throw await refuse(error.current);
    throw error;
  }
}

/** What a round's opening needs besides the campaign: the states it starts from, what it sets and clears. */
interface Opening {
  from: readonly CampaignRecord['state'][];
  round: number;
  patch: Partial<CampaignRecord>;
  remove?: readonly (keyof CampaignRecord)[];
}

/**
 * A round opens: every group gets its `ballots` codes of that round, stored as keyed hashes before
 * the campaign moves to 已开放 (a code of a round that failed to open is one nobody ever saw); the
 * codes come back once, for the slips.
 */
async function openRound<R>(
  deps: VotingDeps,
  principal: Principal,
  attempt: Attempt,
  campaign: CampaignRecord,
  opening: Opening,
  prepare?: (campaign: CampaignRecord, issued: IssuedCodes[]) => Promise<R>,
): Promise<{ opened: CampaignRecord; issued: IssuedCodes[]; prepared: R | undefined }> {
  const random = deps.randomBytes ?? cryptoRandomBytes;
  const seen = new Set<string>();
  const issued: IssuedCodes[] = campaign.groups.map((group) => {
    const codes: string[] = [];
    while (codes.length < group.ballots) {
      const code = codeFromBytes(random(7));
      if (seen.has(code)) continue;
      seen.add(code);
      codes.push(code);
    }
    return { group: group.id, groupName: group.name, codes };
  });
  const prepared = prepare ? await prepare({ ...campaign, round: opening.round }, issued) : undefined;
  const key = await codeKey(deps);
  const { campaignId } = campaign;
  await deps.ballotBox.issueCodes(issued.flatMap(({ group, codes }) => codes.map((code) => ({ mac: codeMac(key, code), campaignId, round: opening.round, group }))));
  const now = deps.now().toISOString();
  const opened = await step(
    deps,
    principal,
    attempt,
    campaign,
    [opening.from, 'open'],
    { ...opening.patch, issued: Object.fromEntries(issued.map(({ group, codes }) => [group, codes.length])), openedAt: now, openedBy: principal.username },
    opening.remove,
  );
  return { opened, issued, prepared };
}

/**
 * 草稿 → 已开放: the configuration is locked and the first round's codes are issued (openRound).
 * `prepare` makes what the codes become before anything is stored (the slips): if it fails,
 * nothing is written.
 */
export async function openCampaign<R = undefined>(
  deps: VotingDeps,
  principal: Principal,
  campaignId: string,
  prepare?: (campaign: CampaignRecord, issued: IssuedCodes[]) => Promise<R>,
): Promise<{ campaign: CampaignView; issued: IssuedCodes[]; prepared: R | undefined }> {
  const attempt: Attempt = { action: 'campaign.open', objectType: 'campaign', objectId: campaignId };
  const campaign = await authorizeCampaign(deps, principal, attempt);
  if (campaign.state !== 'draft') await step(deps, principal, attempt, campaign, [['draft'], 'open'], {});
  const { opened, issued, prepared } = await openRound(deps, principal, attempt, campaign, { from: ['draft'], round: campaign.round, patch: {} }, prepare);
  await record(deps, principal, attempt, 'ok', { unitId: campaign.unitId, detail: issued.map(({ groupName, codes }) => `${groupName} ${codes.length}`).join(', ') });
  return { campaign: campaignView(opened), issued, prepared };
}

/** The states a round can be voted again from: closed, counted or graded — never once published. */
export const REVOTABLE: readonly CampaignRecord['state'][] = ['closed', 'tallied', 'graded'];

/**
 * 重新投票 (issue 14 §1): the current round is superseded — it stays as it was, its ballots, tally
 * and grades kept under its round number, and the campaign lists it with the administrator's reason
 * — and round N + 1 opens with new codes (the slips are the answer, as at 开放). The earlier round's
 * codes cast nothing any more: a voter holding one is told its round was voted again. The
 * configuration stays locked: a re-vote asks the same question again. Audited as `campaign.revote`.
 */
export async function revoteCampaign<R = undefined>(
  deps: VotingDeps,
  principal: Principal,
  campaignId: string,
  reason: string,
  prepare?: (campaign: CampaignRecord, issued: IssuedCodes[]) => Promise<R>,
): Promise<{ campaign: CampaignView; issued: IssuedCodes[]; prepared: R | undefined }> {
  const attempt: Attempt = { action: 'campaign.revote', objectType: 'campaign', objectId: campaignId };
  const campaign = await authorizeCampaign(deps, principal, attempt);
  if (!REVOTABLE.includes(campaign.state)) {
    const message =
      campaign.state === 'published'
        ? 'the campaign is published (已公布): its results are final'
        : `the campaign is ${campaign.state}: a round is voted again once it is closed (已截止), counted or graded`;
    await record(deps, principal, attempt, 'invalid', { unitId: campaign.unitId, detail: message });
    throw new ConflictError('state', message);
  }
  const counted = campaign.state === 'closed' ? undefined : await deps.campaigns.getTally(campaign.campaignId, campaign.round);
  const now = deps.now().toISOString();
  const superseded: SupersededRound = {
    round: campaign.round,
    state: campaign.state,
    issued: campaign.issued ?? {},
    ...(counted
      ? {
          returned: Object.fromEntries(counted.detail.result.groups.map((group) => [group.id, group.returned])),
          void: counted.detail.result.void,
          reasons: counted.detail.result.reasons,
        }
      : {}),
    reason,
    at: now,
    by: principal.username,
  };
  const opening: Opening = {
    from: [campaign.state],
    round: campaign.round + 1,
    patch: { round: campaign.round + 1, superseded: [...(campaign.superseded ?? []), superseded] },
    remove: ['closedAt', 'closedBy', 'countedAt', 'countedBy'],
  };
  const { opened, issued, prepared } = await openRound(deps, principal, attempt, campaign, opening, prepare);
  await record(deps, principal, attempt, 'ok', {
    unitId: campaign.unitId,
    detail: `round ${campaign.round} (${campaign.state}) superseded → round ${opened.round}: ${issued.map(({ groupName, codes }) => `${groupName} ${codes.length}`).join(', ')}; ${reason.slice(0, 200)}`,
  });
  return { campaign: campaignView(opened), issued, prepared };
}

/** 已开放 → 已截止: no code casts any more. */
export async function closeCampaign(deps: VotingDeps, principal: Principal, campaignId: string): Promise<CampaignView> {
  const attempt: Attempt = { action: 'campaign.close', objectType: 'campaign', objectId: campaignId };
  const campaign = await authorizeCampaign(deps, principal, attempt);
  const closed = await step(deps, principal, attempt, campaign, [['open'], 'closed'], { closedAt: deps.now().toISOString(), closedBy: principal.username });
  await record(deps, principal, attempt, 'ok', { unitId: campaign.unitId });
  return campaignView(closed);
}

/** What a code opens: the campaign and the group's ballot (subjects, indicators, options), or why not. */
export interface BallotForm {
  campaignId: string;
  campaignName: string;
  kind: CampaignRecord['kind'];
  group: { id: string; name: string };
  subjects: { id: string; name: string; graded: boolean }[];
  indicators: { id: string; name: string }[];
  scale: { option: string; score: number | null }[];
}

/** The code's campaign, open and in the code's round; CodeRefused otherwise (unknown, used, closed, superseded). */
async function codeCampaign(deps: VotingDeps, typed: string): Promise<{ mac: string; campaign: CampaignRecord; group: string }> {
  const code = normalizeCode(typed);
  if (!code) throw new CodeRefused('unknown');
  const mac = codeMac(await codeKey(deps), code);
  const found = await deps.ballotBox.code(mac);
  if (!found) throw new CodeRefused('unknown');
  const campaign = await deps.campaigns.get(found.campaignId);
  if (!campaign) throw new CodeRefused('unknown');
  if (found.round < campaign.round) throw new CodeRefused('superseded');
  if (campaign.round !== found.round) throw new CodeRefused('unknown');
  if (found.state === 'used') throw new CodeRefused('used');
  if (campaign.state !== 'open') throw new CodeRefused('closed');
  return { mac, campaign, group: found.group };
}

export async function ballotForm(deps: VotingDeps, typed: string): Promise<BallotForm> {
  const { campaign, group } = await codeCampaign(deps, typed);
  const named = campaign.groups.find((candidate) => candidate.id === group)!;
  return {
    campaignId: campaign.campaignId,
    campaignName: campaign.name,
    kind: campaign.kind,
    group: { id: named.id, name: named.name },
    subjects: campaign.subjects.map(({ id, name, graded }) => ({ id, name, graded })),
    indicators: campaign.indicators.map(({ id, name }) => ({ id, name })),
    scale: campaign.scale,
  };
}

/**
 * Cast the ballot of a code: its choices checked against the campaign (a subject, indicator or
 * option it does not have is a 400 naming it, and nothing is written), then the code burned and
 * the ballot put in one transaction. Nothing else is written or logged.
 */
export async function castBallot(
  deps: VotingDeps,
  typed: string,
  choices: PackBallot['choices'],
  echo?: BallotEcho,
  admission?: Parameters<BallotStore['cast']>[4],
): Promise<void> {
  const { mac, campaign, group } = echo ? await echoedCampaign(deps, typed, echo) : await codeCampaign(deps, typed);
  const [problem] = choiceChecker({ ...tallyConfigOf({ ...campaign, id: campaign.campaignId }), ballots: [] } as TallyPack)(choices, 'choices');
  if (problem) throw ValidationError.forField(problem.field, problem.message.replace(' of the pack', ''));
  const random = deps.randomBytes ?? cryptoRandomBytes;
  // The ballot's random key also picks its partition: one source of randomness (the CSPRNG, or a test's seeded one).
  const key = random(16);
  const place = { key: key.toString('hex'), shard: key[0]! % BALLOT_SHARDS };
  try {
    await deps.ballotBox.cast(mac, campaign, { group, choices }, place, admission);
  } catch (error) {
    // An echoed vote cast against a cached campaign that has moved on (closed, or voted again within
    // the cache's 10 s) is tried once more against the campaign as it is now, before the voter is refused.
    if (!echo || !(error instanceof CodeRefused) || (error.reason !== 'closed' && error.reason !== 'unknown')) throw error;
    const current = await deps.campaigns.get(campaign.campaignId);
    if (!current || current.state !== 'open' || (current.round === campaign.round && current.state === campaign.state)) throw error;
    openCampaigns(deps.campaigns).forget(current.campaignId);
    await deps.ballotBox.cast(mac, current, { group, choices }, place, admission);
  }
}

/** What the lookup answered for a code, sent back with the vote (decision 0027, like the link echo of 0020). */
export interface BallotEcho {
  campaignId: string;
  group: string;
}

/**
 * The campaign of an echoed vote, as read within the last 10 s: an open campaign's configuration
 * never changes, and whether it is still open in this round — and whether the code is this
 * campaign's, this group's and unused — is checked inside the vote's own transaction. So a vote
 * reads nothing before it writes.
 */
async function echoedCampaign(deps: VotingDeps, typed: string, echo: BallotEcho): Promise<{ mac: string; campaign: CampaignRecord; group: string }> {
  const code = normalizeCode(typed);
  if (!code) throw new CodeRefused('unknown');
  const cache = openCampaigns(deps.campaigns);
  const [key, cached] = await Promise.all([codeKey(deps), cache.get(echo.campaignId, () => deps.campaigns.get(echo.campaignId))]);
  // A cached campaign that is not open is read again before anyone is refused: it may have opened a new round since.
  let campaign = cached;
  if (cached && cached.state !== 'open') {
    cache.forget(echo.campaignId);
    campaign = await cache.get(echo.campaignId, () => deps.campaigns.get(echo.campaignId));
  }
  if (!campaign || !campaign.groups.some((group) => group.id === echo.group)) throw new CodeRefused('unknown');
  if (campaign.state !== 'open') throw new CodeRefused('closed');
  return { mac: codeMac(key, code), campaign, group: echo.group };
}

const campaignCaches = new WeakMap<object, ReturnType<typeof ttlCache<CampaignRecord | undefined>>>();
/** The runtime's 10-s cache of campaigns read for echoed votes (one per campaign store). */
function openCampaigns(store: object) {
  let cache = campaignCaches.get(store);
  if (!cache) campaignCaches.set(store, (cache = ttlCache<CampaignRecord | undefined>(READ_CACHE_TTL_MS)));
  return cache;
}

/** Every ballot of the campaign's current round counted (the counter holds counts, never the ballots). */
export async function tallyOfCampaign(deps: Pick<VotingDeps, 'ballotBox'>, campaign: CampaignRecord): Promise<TallyDetail> {
  const counter = tallyCounter(tallyConfigOf({ ...campaign, id: campaign.campaignId }, campaign.issued ?? {}));
  for await (const page of deps.ballotBox.ballots(campaign.campaignId, campaign.round)) for (const ballot of page) counter.add(ballot);
  return counter.finish();
}

/** The tally pack (manyi-appraisal-v1) of the campaign's current round: its ballots shuffled by the CSPRNG, no code anywhere. */
export async function packOfCampaign(deps: Pick<VotingDeps, 'ballotBox' | 'randomBytes'>, campaign: CampaignRecord): Promise<TallyPack> {
  const random = deps.randomBytes ?? cryptoRandomBytes;
  /** A uniform index below n (rejection sampling over 32 random bits). */
  const below = (n: number): number => {
    const limit = Math.floor(0x1_0000_0000 / n) * n;
    for (;;) {
      const value = random(4).readUInt32BE(0);
      if (value < limit) return value % n;
    }
  };
  const ballots: PackBallot[] = [];
  for await (const page of deps.ballotBox.ballots(campaign.campaignId, campaign.round)) ballots.push(...page);
  for (let i = ballots.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [ballots[i], ballots[j]] = [ballots[j]!, ballots[i]!];
  }
  return { ...tallyConfigOf({ ...campaign, id: campaign.campaignId }, campaign.issued ?? {}), ballots };
}

/** The resident-facing side of a code (`/v`): a Throttle counts the unknown codes a client types. */
export type PublicVotingDeps = VotingDeps & { throttle: Throttle };

/**
 * A refused code as the voter is told: unknown 404 (counted against the client), used 409, closed
 * 410, past the client's limit of unknown codes 429. `checked`: the work checks the limit itself
 * (a vote, inside its transaction); otherwise it is read first.
 */
async function asAnswer<T>(deps: PublicVotingDeps, requester: Requester, work: () => Promise<T>, checked = false): Promise<T> {
  if (!checked) await refuseThrottledCodes(deps.throttle, requester, deps.now());
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof CodeRefused)) throw error;
    if (error.reason === 'throttled') throw new TooManyRequestsError('code', Math.ceil(deps.throttle.policy.clientWindowSeconds / 60));
    if (error.reason === 'used') throw new BallotCodeUsedError();
    if (error.reason === 'closed') throw new CampaignClosedError();
    if (error.reason === 'superseded') throw new BallotRoundSupersededError();
    await countCodeFailure(deps.throttle, requester, deps.now());
    throw new BallotCodeUnknownError();
  }
}

/** What the voter's code opens (POST /api/public/ballots/lookup). */
export function lookupBallot(deps: PublicVotingDeps, requester: Requester, code: string): Promise<BallotForm> {
  return asAnswer(deps, requester, () => ballotForm(deps, code));
}

/** The vote (POST /api/public/ballots): answered without echoing a choice. */
export function submitBallot(deps: PublicVotingDeps, requester: Requester, code: string, choices: PackBallot['choices'], echo?: BallotEcho): Promise<void> {
  // An echoed vote checks the limit of unknown codes in its own transaction, and reads nothing
  // first; one without the echo reads its code first, so it reads the limit first too (else a
  // client past it would still tell a real code from an unknown one).
  return asAnswer(deps, requester, () => castBallot(deps, code, choices, echo, codeAdmission(deps.throttle, requester, deps.now())), echo !== undefined);
}
