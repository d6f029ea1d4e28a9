import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../functions/src/auth/principal.js';
import type { Runtime } from '../../functions/src/runtime.js';
import { ratingLinkHash } from '../../functions/src/use-cases/rating-links/rate-by-link.js';
import { createIntegrationClient } from '../../functions/src/use-cases/service-records/clients.js';
import { pushServiceRecords } from '../../functions/src/use-cases/service-records/push.js';
import { commitRound, drawWholly, freezeWholly } from '../../functions/src/use-cases/sampling/draw-round.js';
import { sendRound, submitInvitationRating } from '../../functions/src/use-cases/sampling/invitations.js';
import { closeRound } from '../../functions/src/use-cases/sampling/close-round.js';
import { createRound } from '../../functions/src/use-cases/sampling/rounds.js';
import type { RoundConfig } from '../../shared/src/contracts/sampling/rounds.js';
import { RoundConfigInput } from '../../shared/src/contracts/sampling/rounds.js';
import { addDays, chinaDay } from '../../shared/src/domain/china-time.js';
import type { RatingLevel } from '../../shared/src/domain/rating-level.js';
import { DEMO_SEED, seededRandom } from './demo-county.js';
import { DEMO_ACCOUNTS } from './seed.js';

/**
 * 阳光测评 in the demo (issue 13; docs/decisions/0021, 0022): the county's business system pushes
 * 办件 of the last 60 days for three departments (people with made-up mobile numbers 1390000xxxx,
 * sealed in the contact store like any other), and two rounds run through the real use cases:
 *
 * - 「临江县 阳光测评（上期）」 on the older 办件: committed, frozen and drawn, sent to the local
 *   outbox, answered by about three in four (levels by department), and closed — its results,
 *   verification pack and revealed seed are there to read;
 * - 「临江县 阳光测评（本期）」 on the recent 办件: drawn and sent, a few answered, still 发送中 —
 *   its outbox has links a newcomer can open and answer (/s/{token}).
 *
 * The system administrator (admin) configures, commits, freezes and closes; the second
 * administrator (cepingyuan) draws, because the account that draws may not close. Seeded once
 * (its own marker), also into a data folder seeded before rounds existed.
 */
const DEPARTMENTS = [
  // unit, people, chance of each level 5..1
  ['lj-scjg', 120, [0.55, 0.3, 0.1, 0.03, 0.02]],
  ['lj-ga', 100, [0.45, 0.3, 0.15, 0.06, 0.04]],
  ['lj-bdc', 80, [0.3, 0.3, 0.2, 0.12, 0.08]],
] as const;
const SAMPLING_MARKER = { pk: 'SEED', sk: 'SAMPLING' };
export const DEMO_ROUND_NAMES = { closed: '临江县 阳光测评（上期）', open: '临江县 阳光测评（本期）' } as const;

type Deps = Runtime;

function principalOf(username: string): Principal {
  const account = DEMO_ACCOUNTS.find((demo) => demo.username === username)!;
  return { username: account.username, role: account.role, unitId: account.unitId };
}

function level(random: () => number, weights: readonly number[]): RatingLevel {
  let roll = random();
  for (let i = 0; i < weights.length; i++) {
    roll -= weights[i]!;
    if (roll < 0) return (5 - i) as RatingLevel;
  }
  return 1;
}

async function runRound(deps: Deps, config: RoundConfig, answerShare: number, random: () => number, close: boolean): Promise<string> {
  const admin = principalOf('admin');
  const drawer = principalOf('cepingyuan');
  const round = await createRound(deps, admin, config);
  await commitRound(deps, admin, round.roundId);
  await freezeWholly(deps, admin, round.roundId);
  await drawWholly(deps, drawer, round.roundId, String(DEMO_SEED));
  for (let progress = await sendRound(deps, admin, round.roundId); !progress.finished; progress = await sendRound(deps, admin, round.roundId)) {
    /* a job: repeat until every invitation is out */
  }
  const messages = await deps.invitations.outbox(round.roundId, 1000);
  const weights = new Map<string, readonly number[]>(DEPARTMENTS.map(([unit, , chances]) => [unit, chances]));
  for (const message of messages) {
    if (random() >= answerShare) continue;
    const token = message.link.slice(message.link.lastIndexOf('/s/') + 3);
    const link = await deps.ratingLinks.get(ratingLinkHash(token));
    const chances = link?.state === 'open' && link.stratum ? weights.get(link.stratum) : undefined;
    if (!chances) continue;
    const answer = level(random, chances);
    await submitInvitationRating(deps, { token, level: answer, ...(answer <= 2 ? { reasons: ['SLOW'] } : {}) });
  }
  if (close) await closeRound(deps, admin, round.roundId);
  return round.roundId;
}

/** Seed the demo's 办件 and rounds once; a no-op when they are there. */
export async function seedDemoSampling(doc: DynamoDBDocumentClient, deps: Deps, options: { opsTable: string; now?: Date; log?: (line: string) => void }): Promise<boolean> {
  if ((await doc.send(new GetCommand({ TableName: options.opsTable, Key: SAMPLING_MARKER }))).Item) return false;
  const now = options.now ?? new Date();
  const today = chinaDay(now);
  const admin = principalOf('admin');
  const random = seededRandom(DEMO_SEED + 5);

  const { client } = await createIntegrationClient(deps, admin, { unitId: 'jn-qh-lj', name: '临江县一窗受理系统（演示）' });
  const records: Record<string, unknown>[] = [];
  let person = 0;
  for (const [unitId, people] of DEPARTMENTS) {
    for (let i = 0; i < people; i++, person++) {
      // Half of each department's people were served 31–59 days ago (the closed round), half 1–29 days ago (the open one).
      const daysAgo = i % 2 === 0 ? 31 + Math.floor(random() * 29) : 1 + Math.floor(random() * 29);
      records.push({
        projNo: `LJ-DEMO-${String(person).padStart(5, '0')}`,
        unitId,
        serviceItem: unitId === 'lj-scjg' ? '营业执照设立登记' : unitId === 'lj-ga' ? '户口迁移' : '不动产转移登记',
        finishedAt: new Date(now.getTime() - daysAgo * 86_400_000 - Math.floor(random() * 8 * 3_600_000)).toISOString(),
        servedVia: 'window',
        applicantType: 'person',
        applicantMobile: `1390000${String(person).padStart(4, '0')}`,
      });
    }
  }
  const source = { clientId: client.clientId, unitId: client.unitId, name: client.name };
  for (let start = 0; start < records.length; start += 500) await pushServiceRecords(deps, source, { records: records.slice(start, start + 500) });

  const base = {
    unitId: 'jn-qh-lj',
    strataBy: 'unit',
    filters: {},
    size: { mode: 'total', n: 60 },
    allocation: { method: 'proportional' },
    invitationText: '【临江县政务服务】您好，您近期在临江县办理了业务，诚邀您参加满意度测评：{link} 回复TD退订',
  };
  await runRound(
    deps,
    RoundConfigInput.parse({ ...base, name: DEMO_ROUND_NAMES.closed, period: { from: addDays(today, -60), to: addDays(today, -31) }, deadline: today }),
    0.75,
    random,
    true,
  );
  await runRound(
    deps,
    RoundConfigInput.parse({ ...base, name: DEMO_ROUND_NAMES.open, size: { mode: 'total', n: 30 }, period: { from: addDays(today, -30), to: today }, deadline: addDays(today, 14) }),
    0.2,
    random,
    false,
  );
  await doc.send(new PutCommand({ TableName: options.opsTable, Item: { ...SAMPLING_MARKER, seededAt: now.toISOString() } }));
  options.log?.(`seeded 阳光测评: ${records.length} 办件, a closed round with results and an open one with outbox links (npm run outbox)`);
  return true;
}

