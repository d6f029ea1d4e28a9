import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createCampaign } from '../../functions/src/use-cases/appraisal/campaigns.js';
import { castBallot, openCampaign } from '../../functions/src/use-cases/appraisal/voting.js';
import { createGateway } from '../../infra/local/gateway.js';
import type { CampaignTally } from '../../shared/src/contracts/appraisal/ballots.js';
import type { OwnAppraisal } from '../../shared/src/contracts/appraisal/own.js';
import type { TallyResult } from '../../shared/src/domain/appraisal/tally.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { callerAs } from './fixtures.js';

/**
 * The count (issue 14 §3–5) through the routes: a closed campaign is counted once (已截止 → 已计票);
 * administrators and committees read the tally, a small group's option counts hidden ("<10");
 * the committee's pack, re-run by `npm run tally`, gives the same result as the page's tally.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const COMMITTEE: Principal = { username: 'county.committee', role: 'committee', unitId: 'c1' };
/** A system administrator who opens the campaign: may grade in general, never this campaign. */
const OPENER: Principal = { username: 'root.opener', role: 'system-admin', unitId: 'p1' };
/** 党员1 (工号 N1) with a staff account: reads their own published result at /me. */
const MEMBER: Principal = { username: 'party.member1', role: 'staff', unitId: 'c1' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
let campaignId = '';
let issuedCodes: string[] = [];

const OPTIONS = ['优秀', '合格', '基本合格', '不合格'];

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [COUNTY_ADMIN, COMMITTEE, OPENER, MEMBER]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  await t.runtime.units.put({ id: 'p1', name: '江南省', parentId: null, path: ['p1'] });
  await t.runtime.units.put({ id: 'c1', name: '临江县', parentId: 'p1', path: ['p1', 'c1'] });
  await t.runtime.accounts.put({ ...MEMBER, displayName: '党员1', passwordHash: 'unused', personId: 'N1' });
  for (let i = 0; i < 4; i++) await t.runtime.staff.put({ id: `s-${i}`, unitId: 'c1', staffNo: `N${i}`, name: `党员${i}`, post: '科员', duties: '', pledge: '', partyMember: true });
  const created = await createCampaign(t.runtime, COUNTY_ADMIN, {
    unitId: 'c1',
    name: '2026年度民主评议党员（第一支部）',
    year: 2026,
    kind: 'party-members',
    subjects: [0, 1, 2, 3].map((i) => ({ type: 'staff' as const, id: `s-${i}`, graded: i < 3 })),
    groups: [
      { name: '党员', weightPct: 70, ballots: 14 },
      { name: '群众代表', weightPct: 30, ballots: 4 },
    ],
  });
  campaignId = created.campaignId;
  const { issued } = await openCampaign(t.runtime, OPENER, campaignId);
  issuedCodes = issued.flatMap((group) => group.codes);
  // 党员: 12 ballots (trimmed above 5), one of them all 优秀 for the three graded (invalid? no: the identical rule is off by default).
  for (const [n, code] of issued[0]!.codes.slice(0, 12).entries()) {
    await castBallot(t.runtime, code, Object.fromEntries([0, 1, 2, 3].map((i) => [`staff:s-${i}`, { i1: OPTIONS[(n + i * 2) % (i === 0 ? 2 : 4)]! }])));
  }
  // 群众代表: 3 ballots — a small group.
  for (const [n, code] of issued[1]!.codes.slice(0, 3).entries()) {
    await castBallot(t.runtime, code, Object.fromEntries([0, 1, 2].map((i) => [`staff:s-${i}`, { i1: OPTIONS[(n + i) % 3]! }])));
  }
}, 60_000);

afterAll(() => t?.close());

describe('the count', () => {
  let shown: CampaignTally;

  it('is refused before the close, done once after it, and read by the committee', async () => {
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`)).status).toBe(409);
    expect((await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`)).status).toBe(409);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/close`)).status).toBe(200);
    expect((await as(COMMITTEE, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`)).status).toBe(403);
    const counted = await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`);
    expect(counted.status).toBe(200);
    expect((await as(COUNTY_ADMIN, 'GET', `/api/appraisal-campaigns/${campaignId}`)).json).toMatchObject({ state: 'tallied', countedBy: 'county.admin' });
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`)).status).toBe(409);
    const read = await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(counted.json);
    shown = read.json as CampaignTally;
    expect(shown.groups.map((group) => [group.name, group.issued, group.returned, group.valid, group.quorumMet])).toEqual([
      ['党员', 14, 12, 12, true],
      ['群众代表', 4, 3, 3, true],
    ]);
    expect(shown.subjects.map((subject) => subject.name)).toEqual(['党员0', '党员1', '党员2', '党员3']);
    expect(shown.subjects[3]).toMatchObject({ graded: false, proposedGrade: null, rules: expect.arrayContaining(['ungraded']) });
  });

  it('hides the option counts of the group of 3 (and n), never its means', () => {
    for (const subject of shown.subjects) {
      const [members, masses] = subject.groups;
      for (const indicator of members!.indicators) {
        expect(indicator.counts, subject.name).not.toBeNull();
        expect(Object.values(indicator.counts!).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10);
      }
      for (const indicator of masses!.indicators) {
        expect(indicator.counts).toBeNull();
        expect(indicator.n).toBeNull();
      }
    }
    expect(shown.subjects[0]!.groups[1]!.indicators[0]!.mean).toMatch(/^\d+\.\d{2}$/);
  });

  it('gives the committee a pack (audited) that npm run tally re-runs to the same result', async () => {
    const reply = await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/pack`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-disposition']).toContain('manyi-appraisal-');
    expect(reply.json.ballots).toHaveLength(15);
    // No code of the campaign, with or without its hyphen (a regex over the alphabet would also
    // match ten digits of a random id or hash now and then).
    const text = JSON.stringify(reply.json);
    for (const code of issuedCodes) for (const form of [code, code.replace('-', '')]) expect(text).not.toContain(form);
    const file = join(mkdtempSync(join(tmpdir(), 'pack-')), 'pack.json');
    writeFileSync(file, reply.text);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/tally.ts', file], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as TallyResult;
    expect(printed.void).toBe(shown.void);
    expect(printed.groups).toEqual(shown.groups.map(({ id, issued, returned, valid, invalid, quorumMet }) => ({ id, issued, returned, valid, invalid, quorumMet })));
    expect(printed.subjects.map(({ id, composite, proposedGrade, rules }) => ({ id, composite, proposedGrade, rules }))).toEqual(
      shown.subjects.map(({ id, composite, proposedGrade, rules }) => ({ id, composite, proposedGrade, rules })),
    );
    expect(printed.subjects.map((subject) => subject.groups.map((group) => [group.score, group.indicators.map((indicator) => indicator.mean)]))).toEqual(
      shown.subjects.map((subject) => subject.groups.map((group) => [group.score, group.indicators.map((indicator) => indicator.mean)])),
    );
    const today = chinaDay(new Date());
    const { entries } = await t.runtime.audit.search({ fromDay: today, toDay: today, action: 'campaign.pack' });
    expect(entries.map((entry) => [entry.actor, entry.result, entry.detail])).toContainEqual(['county.committee', 'ok', '15 ballots']);
  });
});

describe('组织评定 and publication', () => {
  const grade = (who: Principal, body: unknown) => as(who, 'POST', `/api/appraisal-campaigns/${campaignId}/grades`, body);

  it('records the committee’s grades, a reason required where they differ from the proposal', async () => {
    const tally = (await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`)).json as CampaignTally;
    const [first, second, third, ungraded] = tally.subjects;
    // The system administrator who opened the campaign (issued the codes) grades nothing; a unit
    // administrator grades nothing anywhere.
    const opener = await grade(OPENER, { subjectId: first!.id, grade: first!.proposedGrade });
    expect(opener.status).toBe(403);
    expect(opener.json.error.message).toContain('separation of duties');
    expect((await grade(COUNTY_ADMIN, { subjectId: first!.id, grade: first!.proposedGrade })).status).toBe(403);
    expect(await grade(COMMITTEE, { subjectId: first!.id, grade: first!.proposedGrade })).toMatchObject({ status: 200 });
    expect((await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}`)).json.state).toBe('graded');
    const other = ['优秀', '合格', '基本合格', '不合格'].find((candidate) => candidate !== second!.proposedGrade)!;
    const unexplained = await grade(COMMITTEE, { subjectId: second!.id, grade: other });
    expect(unexplained.status).toBe(400);
    expect(unexplained.json.error.issues[0].field).toBe('reason');
    const explained = await grade(COMMITTEE, { subjectId: second!.id, grade: other, reason: '结合平时表现，看票不唯票' });
    expect(explained.status).toBe(200);
    const view = explained.json as CampaignTally;
    expect(view.subjects[1]!.finalGrade).toMatchObject({ grade: other, reason: '结合平时表现，看票不唯票', by: 'county.committee' });
    expect(view.subjects[1]!.proposedGrade).toBe(second!.proposedGrade);
    expect((await grade(COMMITTEE, { subjectId: ungraded!.id, grade: '合格' })).json.error.issues[0].field).toBe('subjectId');
    expect((await grade(COMMITTEE, { subjectId: third!.id, grade: '良好' })).json.error.issues[0].field).toBe('grade');
    expect((await grade(COMMITTEE, { subjectId: 'staff:nobody', grade: '合格' })).status).toBe(400);
    // Publication waits for every graded subject.
    const early = await as(COMMITTEE, 'POST', `/api/appraisal-campaigns/${campaignId}/publish`);
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('党员2');
    expect((await grade(COMMITTEE, { subjectId: third!.id, grade: third!.proposedGrade })).status).toBe(200);
  });

  it('publishes, not by the opener, and nothing changes after (409, audited)', async () => {
    expect((await as(OPENER, 'POST', `/api/appraisal-campaigns/${campaignId}/publish`)).status).toBe(403);
    // Until it is published, the subject sees nothing of it at /me.
    expect((await as(MEMBER, 'GET', '/api/me/appraisals')).json).toMatchObject({ staff: { name: '党员1', staffNo: 'N1' }, results: [] });
    const published = await as(COMMITTEE, 'POST', `/api/appraisal-campaigns/${campaignId}/publish`);
    expect(published.status).toBe(200);
    expect(published.json).toMatchObject({ state: 'published', publishedBy: 'county.committee' });
    const late = await grade(COMMITTEE, { subjectId: `staff:s-0`, grade: '不合格', reason: '改' });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toContain('已公布');
    expect((await as(COMMITTEE, 'POST', `/api/appraisal-campaigns/${campaignId}/publish`)).status).toBe(409);
    const today = chinaDay(new Date());
    const { entries } = await t.runtime.audit.search({ fromDay: today, toDay: today, action: 'campaign.grade' });
    expect(entries.some((entry) => entry.result === 'invalid' && entry.detail?.includes('已公布'))).toBe(true);
    // The tally still reads, with its final grades.
    const tally = (await as(COUNTY_ADMIN, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`)).json as CampaignTally;
    expect(tally.subjects.filter((subject) => subject.graded).every((subject) => subject.finalGrade !== null)).toBe(true);
  });
});

describe('the results as files (issue 14 §5)', () => {
  const download = async (format: 'xlsx' | 'csv' | 'pdf') => {
    const reply = await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/results/export`, undefined, { format });
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    return { bytes: Buffer.from(reply.text, 'base64'), headers: reply.headers };
  };
  /** The sections of the CSV: 【name】 → its rows, the header row first (notes left out). */
  function sections(bytes: Buffer): Map<string, string[][]> {
    const rows = parseCsv(bytes.subarray(3), { relax_column_count: true }) as string[][];
    const found = new Map<string, string[][]>();
    let current: string[][] = [];
    for (const row of rows) {
      const heading = /^【(.+)】$/.exec(row[0] ?? '');
      if (heading) found.set(heading[1]!, (current = []));
      // The notes under a table are one-cell lines; its rows have every column.
      else if (row.length > 1) current.push(row);
    }
    return found;
  }

  it('prints the tally in CSV: the composites, "<10" for the small group, every step, and a 数据校验码 anyone can recompute', async () => {
    const tally = (await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`)).json as CampaignTally;
    const campaign = (await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}`)).json;
    const { bytes, headers } = await download('csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(headers['content-type']).toContain('text/csv');
    const csv = sections(bytes);
    expect([...csv.keys()]).toEqual(['概要', '评议主体', '汇总', '按评议对象', '计算说明']);
    const facts = new Map(csv.get('概要')!.map(([key, value]) => [key, value]));
    expect(facts.get('状态')).toBe('已公布');
    expect(facts.get('计票规则')).toContain('去掉一个最高分和一个最低分');
    expect(facts.get('计算方法')).toContain('综合得分 = Σ 评议主体权重');
    // 汇总: each subject's composite as the tally says it, with its two decimals, and the committee's grade.
    const results = csv.get('汇总')!;
    expect(results[0]!.slice(0, 6)).toEqual(['评议对象', '代码', '定等次', '综合得分', '建议等次', '评定等次']);
    expect(results.slice(1).map((row) => [row[1], row[3], row[4], row[5]])).toEqual(
      tally.subjects.map((subject) => [subject.id, subject.composite ?? '—', subject.proposedGrade ?? '—', subject.finalGrade?.grade ?? '—']),
    );
    // 按评议对象: the group of 3 has "<10" in every count, never a number; 党员 has its counts.
    const detail = csv.get('按评议对象')!;
    const optionColumns = [5, 6, 7, 8, 9, 10];
    expect(detail[0]!.slice(5, 11)).toEqual(['计分票数', '优秀', '合格', '基本合格', '不合格', '弃权']);
    for (const row of detail.slice(1).filter((row) => row[1] === '群众代表')) expect(optionColumns.map((i) => row[i])).toEqual(optionColumns.map(() => '<10'));
    const members = detail.slice(1).filter((row) => row[1] === '党员' && row[0] === '党员1');
    expect(members).toHaveLength(1);
    const counts = tally.subjects[1]!.groups[0]!.indicators[0]!.counts!;
    expect(optionColumns.slice(1).map((i) => Number(members[0]![i]))).toEqual(['优秀', '合格', '基本合格', '不合格', '弃权'].map((option) => counts[option]));
    // 计算说明: 党员 of 12 is trimmed and spelt out; the small group's mean stands alone; the composite's line adds up.
    const steps = csv.get('计算说明')!.slice(1).filter((row) => row[0] === '党员1');
    const memberMean = steps.find((row) => row[1] === '党员 · 总体评价 平均分')!;
    expect(memberMean[2]).toMatch(/^计分 \d+ 票：100×\d+ \+ 80×\d+ \+ 60×\d+ \+ 40×\d+ = [\d.]+；去掉最高分 .+、最低分 .+（共 [\d.]+）；\([\d.]+ − [\d.]+\) ÷ \d+$/);
    const [, sum, dropped, kept] = /\(([\d.]+) − ([\d.]+)\) ÷ (\d+)$/.exec(memberMean[2]!)!;
    expect(((Number(sum) - Number(dropped)) / Number(kept)).toFixed(2)).toBe(memberMean[3]);
    expect(memberMean[3]).toBe(tally.subjects[1]!.groups[0]!.indicators[0]!.mean);
    const massesMean = steps.find((row) => row[1] === '群众代表 · 总体评价 平均分')!;
    expect(massesMean[2]).toContain('明细不显示');
    expect(massesMean[3]).toBe(tally.subjects[1]!.groups[1]!.indicators[0]!.mean);
    const composite = steps.find((row) => row[1] === '综合得分')!;
    expect(composite[2]).toBe(`(70% × ${tally.subjects[1]!.groups[0]!.score}（党员） + 30% × ${tally.subjects[1]!.groups[1]!.score}（群众代表）) ÷ 100%`);
    expect(composite[3]).toBe(tally.subjects[1]!.composite);
    expect(steps.find((row) => row[1] === '评定等次（组织评定）')![3]).toBe(tally.subjects[1]!.finalGrade!.grade);
    // 数据校验码: the SHA-256 of the canonical JSON of { format, tally, the campaign's settings }, from the two API answers.
    const settings = Object.fromEntries(['campaignId', 'unitId', 'name', 'year', 'kind', 'state', 'round', 'subjects', 'groups', 'indicators', 'scale', 'rules'].map((key) => [key, campaign[key]]));
    const canonical = (value: unknown): string =>
      Array.isArray(value)
        ? `[${value.map(canonical).join(',')}]`
        : value && typeof value === 'object'
          ? `{${Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
          : JSON.stringify(value);
    const dataHash = createHash('sha256').update(canonical({ format: 'manyi-appraisal-v1', tally, campaign: settings })).digest('hex');
    expect(headers['x-manyi-data-sha256']).toBe(dataHash);
    expect(facts.get('数据校验码')).toBe(dataHash);
    expect(headers['x-manyi-sha256']).toBe(createHash('sha256').update(bytes).digest('hex'));
    for (const hash of [dataHash, String(headers['x-manyi-sha256'])]) {
      const verified = await as(COMMITTEE, 'GET', `/api/public/exports/${hash}`);
      expect(verified.json).toMatchObject({ known: true, format: 'csv', definitionId: 'manyi-appraisal-v1', n: 15 });
    }
  });

  it('writes the same tables as XLSX sheets (numbers as numbers) and a PDF, each download audited', async () => {
    const tally = (await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`)).json as CampaignTally;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await download('xlsx')).bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['概要', '评议主体', '汇总', '按评议对象', '计算说明']);
    const results = book.getWorksheet('汇总')!;
    const composites = tally.subjects.map((_, i) => results.getRow(i + 2).getCell(4));
    expect(composites.map((cell) => cell.value)).toEqual(tally.subjects.map((subject) => Number(subject.composite)));
    expect(composites[0]!.numFmt).toBe('0.00');
    const pdf = await download('pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const today = chinaDay(new Date());
    const { entries } = await t.runtime.audit.search({ fromDay: today, toDay: today, action: 'campaign.export' });
    expect(entries.filter((entry) => entry.result === 'ok').map((entry) => entry.detail?.split(' ')[0])).toEqual(expect.arrayContaining(['csv', 'xlsx', 'pdf']));
    expect((await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/results/export`, undefined, { format: 'docx' })).status).toBe(400);
  });
});

describe('a subject’s own result at /me (issue 14 §5)', () => {
  it('shows the staff member their published result — composite, grades, reason, group scores — and nobody else’s', async () => {
    const tally = (await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`)).json as CampaignTally;
    const reply = await as(MEMBER, 'GET', '/api/me/appraisals');
    expect(reply.status).toBe(200);
    expect(reply.json.results).toHaveLength(1);
    const [mine] = reply.json.results as OwnAppraisal[];
    const theirs = tally.subjects.find((subject) => subject.id === 'staff:s-1')!;
    expect(mine).toMatchObject({
      campaignId,
      name: '2026年度民主评议党员（第一支部）',
      unitName: '临江县',
      composite: theirs.composite,
      proposedGrade: theirs.proposedGrade,
      finalGrade: { grade: theirs.finalGrade!.grade, reason: theirs.finalGrade!.reason },
      rules: theirs.rules,
    });
    expect(mine!.groups.map((group) => [group.name, group.score])).toEqual(theirs.groups.map((group) => [group.id === 'g1' ? '党员' : '群众代表', group.score]));
    // The group of 3 keeps its counts hidden here too; nothing names another subject.
    expect(mine!.groups[1]!.indicators[0]).toMatchObject({ counts: null, n: null });
    for (const other of ['党员0', '党员2', 'staff:s-0', 'staff:s-2']) expect(reply.text).not.toContain(other);
    // Only staff read their own: an administrator is refused.
    expect((await as(COUNTY_ADMIN, 'GET', '/api/me/appraisals')).status).toBe(403);
    const today = chinaDay(new Date());
    const { entries } = await t.runtime.audit.search({ fromDay: today, toDay: today, action: 'appraisal.own' });
    expect(entries.map((entry) => [entry.actor, entry.result, entry.detail])).toContainEqual(['party.member1', 'ok', '1 published result(s)']);
  });
});
