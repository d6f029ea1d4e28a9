import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashPassword } from '../../functions/src/auth/password.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import type { StaffRecord } from '../../functions/src/data/staff.js';
import type { Runtime } from '../../functions/src/runtime.js';
import { createCampaign } from '../../functions/src/use-cases/appraisal/campaigns.js';
import { recordGrade, publishCampaign } from '../../functions/src/use-cases/appraisal/grades.js';
import { openCampaignWithSlips } from '../../functions/src/use-cases/appraisal/slips.js';
import { countCampaign } from '../../functions/src/use-cases/appraisal/tally.js';
import { castBallot, closeCampaign, openCampaign } from '../../functions/src/use-cases/appraisal/voting.js';
import { createStaff } from '../../functions/src/use-cases/org/staff.js';
import { CampaignConfigInput } from '../../shared/src/contracts/appraisal/campaigns.js';
import { defaultRules } from '../../shared/src/domain/appraisal/campaign.js';
import type { TallyRules } from '../../shared/src/domain/appraisal/pack.js';
import { DEMO_SEED, seededRandom } from './demo-county.js';
import { DEMO_ACCOUNTS } from './seed.js';

/**
 * 民主评议 in the demo (issue 14; docs/decisions/0026, 0027): the 第一党支部 of 临江县政务服务中心,
 * 24 party members (工号 DY-01…DY-24, two of them 预备党员: they take part, without a grade), and
 * two campaigns run through the real use cases:
 *
 * - 「2025年度民主评议党员（第一党支部）」: opened by the system administrator (admin; the codes
 *   stay in memory), voted 22/24 党员, 5/5 支部委员会, 11/12 群众代表, closed and counted by the
 *   second administrator (cepingyuan), graded and published by the committee (pingyi) — the
 *   account that opened a campaign may not grade or publish it. Its tally shows the 优秀 cap of
 *   1/3 moving members down, the veto of 群众代表 (不合格 from at least half → 不合格), an invalid
 *   all-优秀 ballot, and one final grade that differs from the proposal, with its reason;
 * - 「2026年度民主评议党员（第一党支部）」: opened with its slips, written to
 *   `{dataDir}/demo-appraisal-slips.pdf` — the only place its codes exist — and six 党员 ballots
 *   cast with codes read back from that PDF; the other codes are there to vote with at /v.
 *
 * Seeded once (its own marker), also into a data folder seeded before campaigns existed.
 */
const APPRAISAL_MARKER = { pk: 'SEED', sk: 'APPRAISAL' };
export const DEMO_BRANCH_UNIT = 'lj-zwfw';
export const DEMO_CAMPAIGN_NAMES = { published: '2025年度民主评议党员（第一党支部）', open: '2026年度民主评议党员（第一党支部）' } as const;
export const DEMO_SLIPS_FILE = 'demo-appraisal-slips.pdf';
export const DEMO_REGRADE_REASON = '结合全年表现，组织评定为合格';
/**
 * A party member's demo account (role staff, no second factor), linked to the member whose grade
 * the committee changed: /me shows their published 2025 result with the committee's reason.
 */
export const DEMO_MEMBER_ACCOUNT = { username: 'dangyuan', password: 'Manyi-demo-2026', displayName: '第一党支部党员' } as const;

/** How a member tends to be rated: the chance of 优秀, 合格, 基本合格, 不合格 (the rest 弃权). */
type Leaning = 'star' | 'good' | 'fair' | 'vetoed';
const LEANINGS: Record<Leaning, readonly number[]> = {
  star: [0.8, 0.18, 0.01, 0],
  good: [0.22, 0.72, 0.04, 0.005],
  fair: [0.03, 0.3, 0.55, 0.1],
  // Colleagues and the committee see an ordinary member; the 群众代表 do not (see ballotOf).
  vetoed: [0.08, 0.75, 0.14, 0.02],
};

// 姓名, 岗位, leaning, 预备党员. Ten lean to 优秀: more than the 1/3 of 22 graded members the cap allows.
const MEMBERS: readonly [name: string, post: string, leaning: Leaning, probationary?: true][] = [
  ['王建国', '主任', 'star'],
  ['李秀英', '副主任', 'good'],
  ['张卫东', '副主任', 'star'],
  ['刘洋', '综合科科长', 'good'],
  ['陈静', '审批服务科科长', 'star'],
  ['杨帆', '督查科科长', 'good'],
  ['赵丽华', '综合科副科长', 'star'],
  ['黄志强', '审批服务科副科长', 'fair'],
  ['周敏', '督查科副科长', 'good'],
  ['吴磊', '一级主任科员', 'star'],
  ['徐晓燕', '二级主任科员', 'good'],
  ['孙浩然', '四级主任科员', 'vetoed'],
  ['胡海燕', '一级科员', 'star'],
  ['朱军', '一级科员', 'good'],
  ['高翔', '一级科员', 'star'],
  ['林晓峰', '科员', 'good'],
  ['何婷', '科员', 'star'],
  ['郭亮', '科员', 'fair'],
  ['马晓东', '科员', 'good'],
  ['罗娟', '科员', 'star'],
  ['梁宇', '科员', 'good'],
  ['宋佳', '科员', 'star'],
  ['郑凯', '科员', 'good', true],
  ['谢雨桐', '科员', 'good', true],
];
const VETOED = MEMBERS.findIndex(([, , leaning]) => leaning === 'vetoed');

const GROUPS = [
  { name: '党员', weightPct: 50, ballots: 24 },
  { name: '支部委员会', weightPct: 30, ballots: 5 },
  { name: '群众代表', weightPct: 20, ballots: 12 },
];
/** Ballots cast in the published campaign, per group. */
const CAST = [22, 5, 11];
/** 党员 ballots cast so far in the open campaign. */
const CAST_OPEN = 6;
const OPTIONS = ['优秀', '合格', '基本合格', '不合格'] as const;

/** The default rules of 党员民主评议 (优秀 ≤ 1/3 among them), plus the 群众代表 veto and the identical-ballot rule. */
function demoRules(): TallyRules {
  return {
    ...defaultRules('party-members'),
    invalidIfIdentical: { minSubjects: 3 },
    vetoes: [{ id: 'masses-unqualified', label: '群众代表评“不合格”达半数', group: 'g3', options: ['不合格'], atLeast: '1/2', atMost: '不合格' }],
  };
}

function principalOf(username: string): Principal {
  const account = DEMO_ACCOUNTS.find((demo) => demo.username === username)!;
  return { username: account.username, role: account.role, unitId: account.unitId };
}

function option(random: () => number, chances: readonly number[]): string {
  let roll = random();
  for (let i = 0; i < chances.length; i++) {
    roll -= chances[i]!;
    if (roll < 0) return OPTIONS[i]!;
  }
  return '弃权';
}

/** One ballot of group `group` (0, 1, 2), the `n`-th of its group: every member's 总体评价. */
function ballotOf(subjectIds: readonly string[], group: number, n: number, random: () => number): Record<string, Record<string, string>> {
  return Object.fromEntries(
    subjectIds.map((id, member) => {
      const [, , leaning] = MEMBERS[member]!;
      // The 群众代表 (g3): 不合格 on 7 of 11 ballots for one member, so the veto (at least half) fires.
      const choice = member === VETOED && group === 2 ? (n < 7 ? '不合格' : n < 10 ? '合格' : '基本合格') : option(random, LEANINGS[leaning]);
      return [id, { i1: choice }];
    }),
  );
}

/** The 24 members of the branch, created through the staff use case; those a failed earlier run created are reused. */
async function branchMembers(deps: Runtime, admin: Principal): Promise<StaffRecord[]> {
  const existing = new Map<string, StaffRecord>();
  let cursor: string | undefined;
  do {
    const page = await deps.staff.listUnit(DEMO_BRANCH_UNIT, { limit: 100, cursor });
    for (const person of page.items) existing.set(person.staffNo, person);
    cursor = page.cursor;
  } while (cursor);
  const members: StaffRecord[] = [];
  for (const [index, [name, post, , probationary]] of MEMBERS.entries()) {
    const staffNo = `DY-${String(index + 1).padStart(2, '0')}`;
    const found = existing.get(staffNo);
    members.push(
      found ??
        (await createStaff(deps, admin, DEMO_BRANCH_UNIT, {
          staffNo,
          name,
          post,
          duties: probationary ? '预备党员，协助窗口业务受理' : '中共临江县政务服务中心第一支部党员',
          pledge: '',
          partyMember: true,
        })),
    );
  }
  return members;
}

/**
 * The codes printed on the slips of one group, read back from the PDF as a voter reads a slip
 * (pdfjs is loaded only here, once, when the demo is first seeded).
 */
async function codesOnSlips(pdf: Buffer, groupName: string): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // The codes print in Courier, a standard PDF font: pdfjs reads its metrics from its own folder.
  const standardFontDataUrl = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + sep;
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl, verbosity: 0 }).promise;
  try {
    const codes: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
      // Each group's slips start on a page of their own, its header naming the group.
      if (!text.includes(` · ${groupName} · `)) continue;
      codes.push(...(text.match(/(?<![0-9A-Z])[0-9A-Z]{5}-[0-9A-Z]{5}(?![0-9A-Z])/g) ?? []));
    }
    return codes;
  } finally {
    await doc.destroy();
  }
}

/** Seed the demo's party branch and its two campaigns once; a no-op (false) when they are there. */
export async function seedDemoAppraisal(
  doc: DynamoDBDocumentClient,
  deps: Runtime,
  options: { opsTable: string; dataDir?: string | undefined; now?: Date; log?: (line: string) => void },
): Promise<boolean> {
  if ((await doc.send(new GetCommand({ TableName: options.opsTable, Key: APPRAISAL_MARKER }))).Item) return false;
  const now = options.now ?? new Date();
  const admin = principalOf('admin');
  const secondAdmin = principalOf('cepingyuan');
  const committee = principalOf('pingyi');
  const random = seededRandom(DEMO_SEED + 6);

  const members = await branchMembers(deps, admin);
  const config = (name: string, year: number) =>
    CampaignConfigInput.parse({
      unitId: 'jn-qh-lj',
      name,
      year,
      kind: 'party-members',
      subjects: members.map((member, index) => ({ type: 'staff', id: member.id, graded: MEMBERS[index]![3] !== true })),
      groups: GROUPS,
      rules: demoRules(),
    });

  // 2025: voted, counted, graded and published.
  const last = await createCampaign(deps, admin, config(DEMO_CAMPAIGN_NAMES.published, 2025));
  const subjectIds = last.subjects.map((subject) => subject.id);
  const { issued } = await openCampaign(deps, admin, last.campaignId);
  for (const [group, { codes }] of issued.entries()) {
    for (const [n, code] of codes.slice(0, CAST[group]).entries()) {
      // One 党员 marks everybody 优秀: an identical ballot, counted as returned and invalid.
      const choices = group === 0 && n === 3 ? Object.fromEntries(subjectIds.map((id) => [id, { i1: '优秀' }])) : ballotOf(subjectIds, group, n, random);
      await castBallot(deps, code, choices);
    }
  }
  await closeCampaign(deps, secondAdmin, last.campaignId);
  const tally = await countCampaign(deps, secondAdmin, last.campaignId);
  const graded = tally.subjects.filter((subject) => subject.graded);
  // 看票不唯票: the committee grades one member other than proposed, with its reason.
  const regraded = graded.find((subject) => subject.proposedGrade === '基本合格') ?? graded.find((subject) => subject.proposedGrade !== '合格');
  for (const subject of graded) {
    if (subject === regraded) await recordGrade(deps, committee, last.campaignId, { subjectId: subject.id, grade: '合格', reason: DEMO_REGRADE_REASON });
    else await recordGrade(deps, committee, last.campaignId, { subjectId: subject.id, grade: subject.proposedGrade! });
  }
  await publishCampaign(deps, committee, last.campaignId);
  const member = members.find((person) => `staff:${person.id}` === regraded?.id) ?? members[0]!;
  const { password, ...account } = DEMO_MEMBER_ACCOUNT;
  await deps.accounts.put({ ...account, role: 'staff', unitId: DEMO_BRANCH_UNIT, personId: member.staffNo, passwordHash: await hashPassword(password) });

  // 2026: open, its slips written where a newcomer finds them, six 党员 ballots in.
  const current = await createCampaign(deps, admin, config(DEMO_CAMPAIGN_NAMES.open, 2026));
  const slips = await openCampaignWithSlips(deps, admin, current.campaignId);
  const folder = options.dataDir ?? fileURLToPath(new URL('../../.data/', import.meta.url));
  mkdirSync(folder, { recursive: true });
  const slipsPath = join(folder, DEMO_SLIPS_FILE);
  writeFileSync(slipsPath, slips.body);
  const partyCodes = await codesOnSlips(slips.body, GROUPS[0]!.name);
  if (partyCodes.length !== GROUPS[0]!.ballots) throw new Error(`read ${partyCodes.length} 党员 codes from the demo slips, expected ${GROUPS[0]!.ballots}`);
  for (const [n, code] of partyCodes.slice(0, CAST_OPEN).entries()) await castBallot(deps, code, ballotOf(subjectIds, 0, n, random));

  await doc.send(new PutCommand({ TableName: options.opsTable, Item: { ...APPRAISAL_MARKER, seededAt: now.toISOString() } }));
  const fired = (rule: string) => tally.subjects.filter((subject) => subject.rules.some((name) => name.startsWith(rule))).length;
  options.log?.(
    `seeded 民主评议: ${members.length} members of 第一党支部 (${DEMO_MEMBER_ACCOUNT.username} is ${member.name}, ${member.staffNo}), 「${DEMO_CAMPAIGN_NAMES.published}」 published (优秀 cap ${fired('excellent-cap')}, veto ${fired('veto:')}, ` +
      `invalid ballots ${tally.groups.reduce((sum, group) => sum + group.invalid, 0)}) and 「${DEMO_CAMPAIGN_NAMES.open}」 open with ${CAST_OPEN} of ${slips.issued} ballots cast; its slips: ${slipsPath}`,
  );
  return true;
}
