import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RatingLevel } from '../../shared/src/domain/rating-level.js';
import { BAD_RATING_REASON_CODES, type BadRatingReason } from '../../shared/src/domain/national-survey.js';
import { hashPassword } from '../../functions/src/auth/password.js';
import type { ContactSealer } from '../../functions/src/data/contact-sealer.js';
import type { DataLayer } from '../../functions/src/data/index.js';
import type { HallRecord } from '../../functions/src/data/halls.js';
import type { StaffRecord } from '../../functions/src/data/staff.js';
import type { UnitRecord } from '../../functions/src/data/units.js';
import type { WindowRecord } from '../../functions/src/data/windows.js';
import { keys } from '../../functions/src/data/keys.js';
import { submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { demoCounty, DEMO_SEED, seededRandom } from './demo-county.js';
import { DEFAULT_BURST_POLICY, hourIndex } from '../../shared/src/domain/burst.js';
import { lastCompleteMonth } from '../../shared/src/domain/china-time.js';

/**
 * The demo accounts. Both roles must use a second factor, so each is enrolled with a FIXED TOTP
 * secret — local demo only, published in the README so anyone can log in: `npm run totp -- admin`
 * prints the current code. Real accounts enroll their own random secret at /admin/accounts/totp.
 */
export const DEMO_ACCOUNTS = [
  { username: 'admin', password: 'Manyi-demo-2026', displayName: '系统管理员', role: 'system-admin' as const, unitId: 'jn-qh-lj', totpSecret: 'MANYIDEMOADMINTOTPSECRETONLYDEMO' },
  { username: 'pingyi', password: 'Manyi-demo-2026', displayName: '考核委员会委员', role: 'committee' as const, unitId: 'jn-qh-lj', totpSecret: 'MANYIDEMOPINGYITOTPSECRETONLYDEM' },
  // Separation of duties in 阳光测评: the account that draws a round may not close it, so the demo has a second administrator who draws.
  { username: 'cepingyuan', password: 'Manyi-demo-2026', displayName: '测评管理员', role: 'unit-admin' as const, unitId: 'jn-qh-lj', totpSecret: 'MANYIDEMOCEPINGYUANTOTPSECRETDEM' },
  // 一把手信箱 (decision 0029): the county's head, named for its letters; works cases as a unit administrator.
  { username: 'zhuren', password: 'Manyi-demo-2026', displayName: '临江县主要负责人', role: 'unit-admin' as const, unitId: 'jn-qh-lj', totpSecret: 'MANYIDEMOZHURENTOTPSECRETONLYDEM' },
  // Separation of duties: only the auditor reads the audit log (docs/access-matrix.md).
  { username: 'shenji', password: 'Manyi-demo-2026', displayName: '审计员', role: 'auditor' as const, unitId: 'jn-qh-lj', totpSecret: 'MANYIDEMOSHENJITOTPSECRETONLYDEM' },
];

/** Create the demo accounts a data folder seeded before they existed lacks (e.g. the auditor). */
async function ensureDemoAccounts(data: Pick<DataLayer, 'accounts'>, sealer: Pick<ContactSealer, 'seal'>): Promise<void> {
  for (const { password, totpSecret, ...account } of DEMO_ACCOUNTS) {
    if (await data.accounts.get(account.username)) continue;
    await data.accounts.put({ ...account, passwordHash: await hashPassword(password), totpSecret: await sealer.seal(totpSecret) });
  }
}

/**
 * Give the demo accounts their fixed second factor, sealed like any enrolled secret. Also run on an
 * already seeded data folder, so a demo created before second factors were required still logs in;
 * an account with a factor (or an enrollment in progress) is left alone.
 */
export async function enrollDemoSecondFactors(data: Pick<DataLayer, 'accounts'>, sealer: Pick<ContactSealer, 'seal'>): Promise<void> {
  for (const demo of DEMO_ACCOUNTS) {
    const account = await data.accounts.get(demo.username);
    if (!account || account.totpSecret || account.totpPending) continue;
    await data.accounts.put({ ...account, totpSecret: await sealer.seal(demo.totpSecret) });
  }
}

/**
 * A staff member's demo account (role staff: no second factor), for /me. It is linked to the first
 * demo staff member (staff-001, on duty at 综合受理1号窗口) by its person id, which is the 工号.
 */
export const DEMO_STAFF_ACCOUNT = { username: 'gongzuo', password: 'Manyi-demo-2026', displayName: '窗口工作人员' } as const;

/** Create the staff demo account if it is missing (also in a data folder seeded before it existed). */
export async function ensureDemoStaffAccount(data: Pick<DataLayer, 'accounts'>): Promise<void> {
  if (await data.accounts.get(DEMO_STAFF_ACCOUNT.username)) return;
  const person = demoCounty().staff[0]!;
  const { password, ...account } = DEMO_STAFF_ACCOUNT;
  await data.accounts.put({ ...account, role: 'staff', unitId: person.unitId, personId: person.staffNo, passwordHash: await hashPassword(password) });
}

const COMMENTS = ['办事很快，态度很好', '工作人员耐心解答', '排队时间有点长', '材料一次说清楚了，点赞', '希望增加周末服务'];


/**
 * Unconditional writes of org records for the demo seed, test fixtures and benchmarks (never the
 * API: it creates through the use cases). A window is put under its unit's current path.
 */
export function seedWriter(data: Pick<DataLayer, 'units' | 'halls' | 'staff' | 'windows'>) {
  return {
    putUnit: (unit: UnitRecord) => data.units.put(unit),
    putHall: (hall: HallRecord) => data.halls.put(hall),
    putStaff: (staff: StaffRecord) => data.staff.put(staff),
    async putWindow(window: WindowRecord): Promise<void> {
      const unit = await data.units.get(window.unitId);
      if (!unit) throw new Error(`putWindow: unit ${window.unitId} does not exist`);
      await data.windows.put({ ...window, unitPath: unit.path });
    },
  };
}

/**
 * Seed the demo county once (a marker item records it): units, halls, staff, windows, accounts and
 * a few hundred ratings over the last 60 days, written through the real submitRating use case so
 * that totals are built exactly as in production.
 */
export async function seedDemo(
  doc: DynamoDBDocumentClient,
  data: DataLayer,
  sealer: ContactSealer,
  options: { opsTable: string; now?: Date; days?: number; log?: (line: string) => void },
): Promise<{ seeded: boolean; ratings: number }> {
  const marker = await doc.send(new GetCommand({ TableName: options.opsTable, Key: keys.seedMarker() }));
  if (marker.Item) {
    await ensureDemoAccounts(data, sealer);
    await enrollDemoSecondFactors(data, sealer);
    await ensureDemoStaffAccount(data);
    return { seeded: false, ratings: 0 };
  }

  const county = demoCounty();
  const org = seedWriter(data);
  for (const unit of county.units) await org.putUnit(unit);
  for (const hall of county.halls) await org.putHall(hall);
  for (const person of county.staff) await org.putStaff(person);
  for (const window of county.windows) await org.putWindow(window);
  for (const { password, totpSecret, ...account } of DEMO_ACCOUNTS) {
    await data.accounts.put({ ...account, passwordHash: await hashPassword(password), totpSecret: await sealer.seal(totpSecret) });
  }
  await ensureDemoStaffAccount(data);

  const random = seededRandom(DEMO_SEED + 1);
  // A stream of its own, so the ratings themselves are the same as before service items existed.
  const itemRandom = seededRandom(DEMO_SEED + 2);
  // And one for who served them (docs/decisions/0012-attribution.md), for the same reason.
  const staffRandom = seededRandom(DEMO_SEED + 3);
  const now = options.now ?? new Date();
  const days = options.days ?? 60;
  let count = 0;
  const writes: Promise<unknown>[] = [];
  for (const window of county.windows) {
    const weights = county.quality.get(window.code)!;
    for (let dayOffset = days - 1; dayOffset >= 0; dayOffset--) {
      const perDay = random() < 0.35 ? 1 : random() < 0.1 ? 2 : 0;
      for (let i = 0; i < perDay; i++) {
        const at = new Date(now.getTime() - dayOffset * 86_400_000 - Math.floor(random() * 8 * 3_600_000));
        const level = pick(random, weights);
        const reasons = level <= 2 ? pickReasons(random) : undefined;
        const comment = random() < 0.15 ? COMMENTS[Math.floor(random() * COMMENTS.length)] : undefined;
        const items = window.serviceItems ?? [];
        // About two residents in three say what they came for.
        const serviceItem = items.length > 0 && itemRandom() < 0.65 ? items[Math.floor(itemRandom() * items.length)]!.name : undefined;
        // About two residents in five name the staff member who served them; the rest leave 不确定.
        const onDuty = window.staffOnDutyIds;
        const staffId = onDuty.length > 0 && staffRandom() < 0.4 ? onDuty[Math.floor(staffRandom() * onDuty.length)] : undefined;
        const input = {
          windowCode: window.code,
          level,
          ...(reasons ? { reasons } : {}),
          ...(comment ? { comment } : {}),
          ...(serviceItem ? { serviceItem } : {}),
          ...(staffId ? { staffId } : {}),
        };
        const id = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
        writes.push(
          submitRating(
            // Demo ids are random but reproducible (seeded); production ids come from node:crypto.
            { ...data, sealer, now: () => at, randomId: () => id },
            input,
          ),
        );
        count++;
        if (writes.length >= 16) await Promise.all(writes.splice(0));
      }
    }
  }
  await Promise.all(writes);
  const suspect = await seedDemoBurst(data, sealer, county.windows[0]!.code, now);
  await doc.send(new PutCommand({ TableName: options.opsTable, Item: { ...keys.seedMarker(), seededAt: now.toISOString(), ratings: count } }));
  options.log?.(`seeded the demo county: ${county.windows.length} windows, ${count} ratings over ${days} days (and ${suspect} 可疑评价 of one burst)`);
  return { seeded: true, ratings: count };
}

/** Ratings of the demo burst: more than k, so the report of that month prints the count. */
export const DEMO_BURST_RATINGS = 12;

/**
 * One burst for the demo (docs/decisions/0016-burst-detector.md): twelve 非常满意 ratings of one
 * window in one hour (10:00 on the 15th of the last complete month), all past the threshold, so the
 * committee's default report shows "本期另有 12 条可疑评价" and none of them in any rate. Through the
 * real use case and store, with a burst check whose threshold is 0.
 */
async function seedDemoBurst(data: DataLayer, sealer: ContactSealer, windowCode: string, now: Date): Promise<number> {
  const at = new Date(`${lastCompleteMonth(now)}-15T02:30:00.000Z`);
  const random = seededRandom(DEMO_SEED + 4);
  const burst = { policy: DEFAULT_BURST_POLICY, check: async () => ({ hour: hourIndex(at), threshold: 0 }) };
  for (let i = 0; i < DEMO_BURST_RATINGS; i++) {
    const id = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    await submitRating({ ...data, sealer, burst, now: () => at, randomId: () => id }, { windowCode, level: 5 });
  }
  return DEMO_BURST_RATINGS;
}

function pick(random: () => number, weights: number[]): RatingLevel {
  let roll = random();
  for (let i = 0; i < weights.length; i++) {
    roll -= weights[i]!;
    if (roll < 0) return (5 - i) as RatingLevel;
  }
  return 1;
}

function pickReasons(random: () => number): BadRatingReason[] {
  const first = BAD_RATING_REASON_CODES[Math.floor(random() * BAD_RATING_REASON_CODES.length)]!;
  const second = BAD_RATING_REASON_CODES[Math.floor(random() * BAD_RATING_REASON_CODES.length)]!;
  return first === second ? [first] : [first, second];
}
