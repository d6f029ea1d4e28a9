import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../functions/src/auth/principal.js';
import type { Runtime } from '../../functions/src/runtime.js';
import { createAccountabilityRecord } from '../../functions/src/use-cases/cases/accountability.js';
import { transitionCase } from '../../functions/src/use-cases/cases/cases.js';
import { setMailboxSettings, submitLetter } from '../../functions/src/use-cases/cases/mailbox.js';
import { addDays, chinaDay } from '../../shared/src/domain/china-time.js';
import { submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { allPages } from '../../functions/src/use-cases/reports/report-deps.js';
import { demoCounty } from './demo-county.js';

/**
 * 差评 cases in the demo (issue 15; docs/decisions/0028). The demo's ratings go through the real
 * rating use case, so each 不满意 and 非常不满意 of the last 60 days has opened its case — most of them
 * long overdue (待核实, due a working day after their day). Here the county's unit administrator
 * (cepingyuan) works a few of the oldest of the unit with the most, as a unit would: two fixed and
 * closed, one under a deadline (限期整改), one explained and closed, one appealed to the county
 * (申诉中, for `admin` to decide: not the account that appealed) — so the queue shows open, overdue
 * and closed cases, and a case page a full record. And two 实名差评 of today (a fictitious number
 * left for the 回访), fixed and waiting for its call back: 查看联系方式 and the 回访 to try; and a 通报
 * to that window in the accountability register (问责台账) for last month; and six 差评 of last month
 * explained late at two units, so the reports propose both to the committee (问责建议). Seeded once (its own marker).
 */
const CASES_MARKER = { pk: 'SEED', sk: 'CASES' };
/** 差评 of last month explained late, per unit: its 按期整改率 0 of 6, a 问责建议 for the committee. */
export const LATE_CASES = 6;
/** The units given those late cases: two, so the committee has a proposal to confirm with JavaScript and one without. */
export const LATE_UNITS = 2;
/** 实名差评 of today, fixed and waiting for their 回访 (by telephone, or by the SMS link). */
export const DEMO_NAMED_CASES = 2;
/** A fictitious number (the demo's only): what 查看联系方式 shows for the demo's 实名差评. */
export const DEMO_CALLBACK_PHONE = '13800000000';
export const DEMO_CASE_WORKER: Principal = { username: 'cepingyuan', role: 'unit-admin', unitId: 'jn-qh-lj' };

const PLANS: readonly (readonly [to: string, note: string][])[] = [
  [
    ['immediate', '核实属实：当天窗口人员临时离岗，已安排顶岗'],
    ['fixed', '已建立离岗登记和顶岗制度，并在窗口公示'],
    ['closed', '匿名评价，无法回访，办结'],
  ],
  [
    ['deadline', '排队时间长：需增加自助取号机，已报采购，限期五个工作日'],
  ],
  [
    ['explained', '该事项须本人到场办理，已在窗口和网站补充说明'],
    ['closed', '匿名评价，无法回访，办结'],
  ],
  [
    ['immediate', '核实：资料清单未一次告知，已当面致歉并补发清单'],
    ['fixed', '一次性告知单已上墙，窗口人员已培训'],
    ['closed', '匿名评价，无法回访，办结'],
  ],
  [['appealing', '评价当天该窗口未开放，疑为误评，申请县政务服务中心复核']],
];

export async function seedDemoCases(doc: DynamoDBDocumentClient, deps: Runtime, options: { opsTable: string; unitId?: string; log?: (line: string) => void }): Promise<boolean> {
  const { Item } = await doc.send(new GetCommand({ TableName: options.opsTable, Key: CASES_MARKER, ConsistentRead: true }));
  if (Item) return false;
  // The unit of the county with the most 差评 (or the one asked for); the oldest of its cases first
  // (the queue sorts by due day), and at least two left waiting, so the queue still shows 超期 ones.
  const queues = await Promise.all(
    (options.unitId ? [options.unitId] : demoCounty().units.map((unit) => unit.id)).map(async (id) => ({
      unitId: id,
      pending: await allPages((cursor) => deps.cases.unitQueue(id, { state: 'pending', limit: 200, cursor })),
    })),
  );
  const { unitId, pending } = queues.reduce((best, queue) => (queue.pending.length > best.pending.length ? queue : best));
  const chosen = pending.slice(0, Math.max(0, Math.min(PLANS.length, pending.length - 2)));
  for (const [index, item] of chosen.entries()) {
    for (const [to, note] of PLANS[index]!) await transitionCase(deps, DEMO_CASE_WORKER, item.caseId, { to: to as never, note });
  }
  const window = demoCounty().windows.find((candidate) => candidate.unitId === unitId && candidate.active);
  if (window) {
    for (let i = 0; i < DEMO_NAMED_CASES; i++) {
      const named = await submitRating(deps, { windowCode: window.code, level: 2, reasons: ['RUDE'], comment: '窗口人员答复不耐烦，希望改进', contactPhone: DEMO_CALLBACK_PHONE, consentToCallback: true }, {});
      await transitionCase(deps, DEMO_CASE_WORKER, named.id, { to: 'immediate', note: '核实属实：已对窗口人员批评教育' });
      await transitionCase(deps, DEMO_CASE_WORKER, named.id, { to: 'fixed', note: '窗口服务用语规范已重新培训' });
    }
    // 问责台账: a 通报 to the window, for last month's assessment.
    const today = chinaDay(new Date());
    await createAccountabilityRecord(deps, DEMO_CASE_WORKER, {
      subjectType: 'window',
      subjectId: window.code,
      kind: 'notice',
      period: addDays(today.slice(0, 8) + '01', -1).slice(0, 7),
      reason: '上月差评超期未核实件数居全县窗口首位，予以通报，限期整改。',
      documentNo: `临政务通〔${today.slice(0, 4)}〕1号`,
      issuedBy: '临江县政务服务管理办公室',
      issuedOn: today,
    });
  }
  // 问责建议: six 差评 of last month at a window of that unit and of one more, each explained ten days
  // later — late — so last month's 按期整改率 of both is 0% and the reports propose them to the committee.
  const active = demoCounty().windows.filter((candidate) => candidate.active && candidate.unitId !== 'jn-qh-lj');
  const firstOfUnit = new Map<string, (typeof active)[number]>();
  for (const candidate of active) if (!firstOfUnit.has(candidate.unitId)) firstOfUnit.set(candidate.unitId, candidate);
  const lateWindows = [firstOfUnit.get(unitId), ...[...firstOfUnit.values()].filter((candidate) => candidate.unitId !== unitId)].filter((found) => found !== undefined).slice(0, LATE_UNITS);
  const month = addDays(chinaDay(new Date()).slice(0, 8) + '01', -1).slice(0, 7);
  for (const late of lateWindows) {
    for (let hour = 0; hour < LATE_CASES; hour++) {
      const at = new Date(`${month}-10T0${hour + 1}:00:00Z`);
      const rated = await submitRating({ ...deps, now: () => at }, { windowCode: late.code, level: 1, reasons: ['SLOW'] }, {});
      await transitionCase({ ...deps, now: () => new Date(at.getTime() + 10 * 86_400_000) }, DEMO_CASE_WORKER, rated.id, { to: 'explained', note: '超期核实：该事项受系统升级影响，已向办事人说明' });
    }
  }
  await doc.send(new PutCommand({ TableName: options.opsTable, Item: { ...CASES_MARKER, seededAt: new Date().toISOString() } }));
  options.log?.(
    `seeded 差评整改: ${pending.length} cases of unit ${unitId} opened by the demo's 差评, ${chosen.length} worked (closed, 限期整改, 申诉中)${window ? `, ${DEMO_NAMED_CASES} 实名差评 waiting for their 回访 and one 通报 in the 问责台账` : ''}${lateWindows.length ? `, ${LATE_CASES} of last month explained late at each of ${lateWindows.length} units (问责建议)` : ''}`,
  );
  return true;
}

const MAILBOX_MARKER = { pk: 'SEED', sk: 'MAILBOX' };
/** The county's head (一把手), a demo account of 临江县 itself: the 一把手信箱's letters reach their queue. */
export const DEMO_HEAD = 'zhuren';

/**
 * The public mailbox in the demo (decision 0029): 临江县 names its head (`zhuren`), so /m offers its
 * 一把手信箱; one letter to it (a number left for the call back) and one to the 投诉信箱 of the unit
 * of a window, naming the window — both 待核实 in their unit's queue, the first in the head's too.
 * Seeded once (its own marker), also into a demo seeded before the mailbox existed.
 */
export async function seedDemoMailbox(doc: DynamoDBDocumentClient, deps: Runtime, options: { opsTable: string; log?: (line: string) => void }): Promise<boolean> {
  const { Item } = await doc.send(new GetCommand({ TableName: options.opsTable, Key: MAILBOX_MARKER, ConsistentRead: true }));
  if (Item) return false;
  const county = demoCounty();
  // 临江县 itself: the demo accounts' scope (the province and the city above it are outside it).
  const root = county.units.find((unit) => unit.id === DEMO_CASE_WORKER.unitId)!;
  await setMailboxSettings(deps, DEMO_CASE_WORKER, { unitId: root.id, head: DEMO_HEAD });
  await submitLetter(deps, {
    unitId: root.id,
    box: 'head',
    subject: '建议延长周末办事时间',
    content: '上班族工作日请假办事不方便，建议政务服务中心周六上午开放综合受理窗口。',
    contactPhone: DEMO_CALLBACK_PHONE,
    consentToCallback: true,
  });
  const window = county.windows.find((candidate) => candidate.active && candidate.unitId !== root.id) ?? county.windows.find((candidate) => candidate.active)!;
  await submitLetter(deps, { unitId: window.unitId, box: 'complaint', windowCode: window.code, subject: '窗口午休时段无人', content: '中午十二点到十二点半窗口无人办理，也没有张贴告示，白等了半小时。' });
  await doc.send(new PutCommand({ TableName: options.opsTable, Item: { ...MAILBOX_MARKER, seededAt: new Date().toISOString() } }));
  options.log?.(`seeded the mailbox: ${root.name} names its head (${DEMO_HEAD}); a letter to the 一把手信箱 and one to the 投诉信箱 of ${window.unitId} (${window.code})`);
  return true;
}
