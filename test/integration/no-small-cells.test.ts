import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import * as z from 'zod';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { operations, type OperationId } from '../../shared/src/contracts/api.js';
import { APPRAISAL_MIN_GROUP } from '../../shared/src/contracts/appraisal/ballots.js';
import { addDays, chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request } from './accounts-helpers.js';
import { postRating, type Reply } from './fixtures.js';
import { castBallot, openCampaign } from '../../functions/src/use-cases/appraisal/voting.js';

/**
 * Numbers that harm no one (issue 11, item 1): every operation of the route table whose answer
 * carries counts (a 200 schema with an `n` or a `counts` property, found by walking the table) and
 * every download of counts is asked about a window with 1, 2, 3 and 4 ratings in a day range, and
 * no answer shows a group with 0 < n < 5 — not as `n`, not as counts that add up to it, not in a
 * file. Where an answer carries a total and the rows that add up to it, the total minus the shown
 * rows (what a reader can subtract) is 0 or at least 5 ratings, and never a group that all gave
 * the same kind of answer (all in one level, all 好评 / all 满意 or none) unless the total says so
 * itself. A new operation with counts fails the first test until it is added here.
 */

const K = 5;
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const UNITS = { root: 'ns', a: 'ns-a' } as const;
/** FEW: one rating a day on D1..D4 (so D1..Dr holds r ratings); BIG: 27 ratings on D4; OWN (本级): 6 on D2. */
const W = { few: 'nsfew001', big: 'nsbig001', own: 'nsown001' } as const;
const STAFF = { id: 'ns-staff-1', unitId: UNITS.a, staffNo: 'NS01', name: '孟小样' } as const;
const ITEMS = ['社保登记', '不动产登记'] as const;

const today = chinaDay(new Date());
const DAYS = [addDays(today, -10), addDays(today, -9), addDays(today, -8), addDays(today, -7)] as const;
/** The day ranges D1..D1, D1..D2, D1..D3, D1..D4: the few-ratings window has 1, 2, 3 and 4 ratings in them. */
const RANGES = DAYS.map((to) => ({ from: DAYS[0], to }));

interface Rating {
  window: string;
  day: number;
  level: 1 | 2 | 3 | 4 | 5;
  serviceItem?: string;
}

const RATINGS: Rating[] = [
  { window: W.few, day: 0, level: 5, serviceItem: ITEMS[0] },
  { window: W.few, day: 1, level: 4 },
  { window: W.few, day: 2, level: 5 },
  { window: W.few, day: 3, level: 1 },
  // Two service items that are small groups on their own and, together, all 满意 or better.
  ...Array.from({ length: 3 }, (): Rating => ({ window: W.big, day: 3, level: 5, serviceItem: ITEMS[0] })),
  ...Array.from({ length: 4 }, (): Rating => ({ window: W.big, day: 3, level: 4, serviceItem: ITEMS[1] })),
  ...([5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 3, 3, 3, 2, 2, 1] as const).map((level): Rating => ({ window: W.big, day: 3, level })),
  ...([5, 4, 3, 5, 2, 4] as const).map((level): Rating => ({ window: W.own, day: 1, level })),
];

const principals = {
  admin: { username: 'ns.admin', role: 'system-admin', unitId: UNITS.root },
  committee: { username: 'ns.committee', role: 'committee', unitId: UNITS.root },
  unitAdmin: { username: 'ns.unit', role: 'unit-admin', unitId: UNITS.a },
  staff: { username: 'ns.staff', role: 'staff', unitId: UNITS.a },
  // Closes the 阳光测评 round the admin drew (the account that draws may not close).
  closer: { username: 'ns.closer', role: 'system-admin', unitId: UNITS.root },
} satisfies Record<string, Principal>;
type Who = keyof typeof principals;
const tokens: Partial<Record<Who, string>> = {};

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  const d = seedWriter(t.runtime);
  await d.putUnit({ id: UNITS.root, name: '小样本县', parentId: null, path: [UNITS.root] });
  await d.putUnit({ id: UNITS.a, name: '小样本局', parentId: UNITS.root, path: [UNITS.root, UNITS.a] });
  await d.putStaff({ ...STAFF, post: '受理员', duties: '受理', pledge: '一次告知', partyMember: false });
  const window = (code: string, unitId: string, name: string, staff: string[]) =>
    d.putWindow({
      code,
      unitId,
      hallId: '',
      name,
      active: true,
      staffOnDutyIds: staff,
      serviceItems: ITEMS.map((item) => ({ name: item })),
      surveyId: NATIONAL_SURVEY.surveyId,
      surveyVersion: NATIONAL_SURVEY.version,
    });
  await window(W.few, UNITS.a, '少评价窗口', [STAFF.id]);
  await window(W.big, UNITS.a, '多评价窗口', []);
  await window(W.own, UNITS.root, '县本级窗口', []);
  for (const rating of RATINGS) {
    // Noon in China on the rating's day.
    t.runtime.now = () => new Date(`${DAYS[rating.day]}T04:00:00Z`);
    const body = {
      windowCode: rating.window,
      level: rating.level,
      ...(rating.level <= 2 ? { reasons: ['SLOW'] } : {}),
      ...(rating.serviceItem ? { serviceItem: rating.serviceItem } : {}),
      // The residents of the few-ratings window name the staff member on duty: a staff row and a named count of 1–4.
      ...(rating.window === W.few ? { staffId: STAFF.id } : {}),
    };
    const reply = await postRating(gateway, body);
    if (reply.status !== 201) throw new Error(`rating refused: ${reply.status} ${reply.text}`);
  }
  t.runtime.now = () => new Date();
  await t.runtime.accounts.put({ username: principals.staff.username, displayName: '孟小样', role: 'staff', unitId: UNITS.a, passwordHash: 'unused', personId: STAFF.staffNo });
  for (const [who, principal] of Object.entries(principals)) tokens[who as Who] = (await t.runtime.tokens.issue(principal, new Date())).token;
}, 120_000);
afterAll(() => t?.close());

// ——— Which operations answer counts: walk the route table ———

/** Whether a JSON schema (anywhere inside) has a property named `n` or `counts`. */
function namesCounts(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(namesCounts);
  if (schema === null || typeof schema !== 'object') return false;
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  if (properties && ('n' in properties || 'counts' in properties)) return true;
  return Object.values(schema).some(namesCounts);
}

const countOperations = (Object.entries(operations) as [OperationId, (typeof operations)[OperationId]][])
  .filter(([, op]) => {
    const schema = (op.responses as Record<number, { schema?: z.ZodType }>)[200]?.schema;
    return schema !== undefined && namesCounts(z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' }));
  })
  .map(([id]) => id)
  .sort();

/**
 * Operations whose 200 is a file, not JSON: each either prints counts (and is checked below) or
 * says here why it prints none. A new file operation fails the first test until it is sorted.
 */
const FILES_WITH_COUNTS = ['exportSatisfactionReport', 'exportRoundResults', 'exportCampaignResults'] as const satisfies readonly OperationId[];
const FILES_WITHOUT_COUNTS: Partial<Record<OperationId, string>> = {
  openapi: 'the API description',
  getWindowStaffPhoto: 'a photo',
  getStaffPhoto: 'a photo',
  exportAudit: 'the audit log: who did what, no ratings',
  windowPoster: 'a QR poster',
  unitPosters: 'QR posters',
  exportAccountabilityRecords: 'the accountability register: notices to units, windows and staff, no ratings',
  getCaseAttachment: 'a photo of a fix',
};

// ——— What a reader sees ———

type Json = unknown;
type Counts = Record<'1' | '2' | '3' | '4' | '5', number>;
const LEVELS = ['1', '2', '3', '4', '5'] as const;
const sum = (counts: Counts) => LEVELS.reduce((total, level) => total + counts[level], 0);
const isCounts = (value: unknown): value is Counts =>
  typeof value === 'object' && value !== null && LEVELS.every((level) => typeof (value as Record<string, unknown>)[level] === 'number');

/** Every place in a JSON answer that shows a group of 0 < n < k: an `n`, or counts adding up to it. */
function smallGroups(json: Json, path = '$'): string[] {
  if (Array.isArray(json)) return json.flatMap((item, i) => smallGroups(item, `${path}[${i}]`));
  if (json === null || typeof json !== 'object') return [];
  const found: string[] = [];
  const record = json as Record<string, unknown>;
  if (typeof record.n === 'number' && record.n > 0 && record.n < K) found.push(`${path}.n = ${record.n}`);
  if (isCounts(record.counts) && sum(record.counts) > 0 && sum(record.counts) < K) found.push(`${path}.counts add up to ${sum(record.counts)}`);
  for (const [key, value] of Object.entries(record)) if (key !== 'counts') found.push(...smallGroups(value, `${path}.${key}`));
  return found;
}

/**
 * Level sets a group must not be found to lie entirely within by subtraction: each level, 好评
 * (5, 4, 3) and not, 满意 (5, 4) and not — the national definitions these reports use.
 */
const UNIFORM_SETS: (readonly (1 | 2 | 3 | 4 | 5)[])[] = [[1], [2], [3], [4], [5], [5, 4, 3], [2, 1], [5, 4], [3, 2, 1]];
const within = (counts: Counts, set: readonly number[]) => sum(counts) > 0 && set.reduce((total, level) => total + counts[String(level) as '1'], 0) === sum(counts);

interface Cell {
  key: string;
  suppressed: string | null;
  n: number | null;
  counts: Counts | null;
}

/** What subtracting the shown rows from a shown total tells: nothing under k, nothing uniform. */
function derivable(name: string, total: Cell, rows: Cell[]): string[] {
  if (total.suppressed !== null || total.counts === null || rows.length === 0) return [];
  const rest = { ...total.counts };
  for (const row of rows) if (row.counts) for (const level of LEVELS) rest[level] -= row.counts[level];
  const n = sum(rest);
  const problems: string[] = [];
  if (n > 0 && n < K) problems.push(`${name}: total − shown rows = ${n}`);
  for (const set of UNIFORM_SETS) {
    if (within(rest, set) && !within(total.counts, set)) problems.push(`${name}: the ${n} hidden ratings all in levels ${set.join(',')}`);
  }
  return problems;
}

interface ReportJson {
  summary: Cell;
  trend: Cell[];
  byUnit: Cell[];
  byWindow: Cell[];
  byStaff: Cell[];
  byServiceItem: Cell[];
  attribution: { ratings: { n: number | null }; attributed: { n: number | null } };
}

/**
 * Staff rows add up to the named count, and the named count plus the 不确定 ones to the total
 * (docs/decisions/0012-attribution.md). The named count is printed without levels, so these differences are by n only.
 */
function attributionFamilies(report: ReportJson): string[] {
  const named = report.attribution.attributed.n;
  if (named === null) return report.byStaff.some((c) => c.suppressed === null) ? ['byStaff: rows shown under a hidden named count'] : [];
  const problems: string[] = [];
  const unnamed = report.attribution.ratings.n === null ? 0 : report.attribution.ratings.n - named;
  if (unnamed > 0 && unnamed < K) problems.push(`attribution: ratings − named = ${unnamed}`);
  const hiddenStaff = named - report.byStaff.reduce((total, c) => total + (c.n ?? 0), 0);
  if (hiddenStaff > 0 && hiddenStaff < K) problems.push(`byStaff: named − shown rows = ${hiddenStaff}`);
  // A staff member's own report: the summary is the ratings that named them, the rest named colleagues.
  const own = report.summary.n;
  if (own !== null && own !== report.attribution.ratings.n && named - own > 0 && named - own < K) problems.push(`attribution: named − own = ${named - own}`);
  return problems;
}

/** The additive families of a report as a reader sees them. */
function reportFamilies(report: ReportJson): string[] {
  return [
    ...attributionFamilies(report),
    ...derivable('trend', report.summary, report.trend),
    ...derivable('byServiceItem', report.summary, report.byServiceItem),
    ...(report.byUnit.length > 0 ? derivable('byUnit', report.summary, report.byUnit) : derivable('byWindow', report.summary, report.byWindow)),
  ];
}

// ——— The requests ———

interface Asked {
  label: string;
  reply: Reply;
}

const reportQueries = (range: { from: string; to: string }): Record<string, string>[] => ([
  { unit: UNITS.root },
  { unit: UNITS.a },
  { unit: UNITS.a, window: W.few },
  { unit: UNITS.a, window: W.big },
  { unit: UNITS.root, window: W.own },
] as Record<string, string>[]).map((scope) => ({ ...scope, period: 'custom', from: range.from, to: range.to }));

/** Each operation with counts, asked every way it can show the fixture's small groups. */
/**
 * Operations whose `n` is a 阳光测评 round's design — how many people a stratum's frame holds (N_h)
 * and how many are drawn from it (n_h), the public facts of manyi-draw-v1 — not a count of ratings.
 * No answer of theirs holds a rating; a round's results (responses per stratum) will be checked in ASK.
 */
const SAMPLE_DESIGN: Partial<Record<OperationId, string>> = {
  listRounds: 'N_h and n_h of each round',
  getRound: 'N_h and n_h of the round',
  updateRound: 'the round after the change',
  commitRound: 'the round after the step',
  freezeRound: 'the round after the step',
  drawRound: 'the round after the step',
  closeRound: 'the round after the step',
  publishRound: 'the round after the step',
  cancelRound: 'the round after the step',
  getRoundDrawPack: 'the verification pack (its strata carry N and n by definition)',
  getPublishedDrawPack: 'the verification pack of a published round, for anyone',
};

/**
 * A counted 民主评议 campaign of unit A whose 群众代表 cast 2 ballots and 党员 11 (issue 14 §5: a
 * group's option counts are hidden under 10 valid ballots), made once for both tally operations.
 */
let countedCampaign: Promise<{ id: string; counted: Reply }> | undefined;
function smallCampaign(): Promise<{ id: string; counted: Reply }> {
  return (countedCampaign ??= (async () => {
    const created = await request(gateway, 'POST', '/api/appraisal-campaigns', {
      token: tokens.admin!,
      body: {
        unitId: UNITS.a,
        name: '小样本评议',
        year: 2026,
        kind: 'conduct',
        subjects: [
          { type: 'unit', id: UNITS.a },
          { type: 'staff', id: STAFF.id },
        ],
        groups: [
          { name: '党员', weightPct: 50, ballots: 12 },
          { name: '群众代表', weightPct: 50, ballots: 3 },
        ],
      },
    });
    expect(created.status, created.text.slice(0, 300)).toBe(201);
    const id = created.json.campaignId as string;
    const { issued } = await openCampaign(t.runtime, principals.admin, id);
    const options = ['优秀', '合格', '基本合格'];
    const choices = (option: string) => ({ [`unit:${UNITS.a}`]: { i1: option }, [`staff:${STAFF.id}`]: { i1: option } });
    for (const [n, code] of issued[0]!.codes.slice(0, 11).entries()) await castBallot(t.runtime, code, choices(options[n % 3]!));
    for (const [n, code] of issued[1]!.codes.slice(0, 2).entries()) await castBallot(t.runtime, code, choices(options[n]!));
    expect((await request(gateway, 'POST', `/api/appraisal-campaigns/${id}/close`, { token: tokens.admin! })).status).toBe(200);
    const counted = await request(gateway, 'POST', `/api/appraisal-campaigns/${id}/tally`, { token: tokens.admin! });
    return { id, counted };
  })());
}

const ASK: Partial<Record<OperationId, () => Promise<Asked[]>>> = {
  tallyCampaign: async () => [{ label: 'count of the small campaign', reply: (await smallCampaign()).counted }],
  recordGrade: async () => {
    const { id } = await smallCampaign();
    const body = { subjectId: `unit:${UNITS.a}`, grade: '合格', reason: '小样本：组织评定' };
    return [{ label: 'grade by the committee', reply: await request(gateway, 'POST', `/api/appraisal-campaigns/${id}/grades`, { token: tokens.committee!, body }) }];
  },
  getCampaignTally: async () => {
    const { id } = await smallCampaign();
    const asked: Asked[] = [];
    for (const who of ['admin', 'committee', 'unitAdmin'] as const) {
      asked.push({ label: `tally ${who}`, reply: await request(gateway, 'GET', `/api/appraisal-campaigns/${id}/tally`, { token: tokens[who]! }) });
    }
    // The group of 2 shows its mean, never its counts.
    const masses = asked[0]!.reply.json.subjects[0].groups[1].indicators[0];
    expect(masses).toMatchObject({ counts: null, n: null, mean: expect.stringMatching(/^\d+\.\d{2}$/) });
    return asked;
  },
  myAppraisals: async () => {
    // The small campaign graded and published: what its staff subject reads at /me (before: nothing).
    const { id } = await smallCampaign();
    const before = await request(gateway, 'GET', '/api/me/appraisals', { token: tokens.staff! });
    expect(before.json.results).toEqual([]);
    for (const subjectId of [`unit:${UNITS.a}`, `staff:${STAFF.id}`]) {
      const graded = await request(gateway, 'POST', `/api/appraisal-campaigns/${id}/grades`, { token: tokens.committee!, body: { subjectId, grade: '合格', reason: '小样本：组织评定' } });
      expect(graded.status, graded.text.slice(0, 300)).toBe(200);
    }
    expect((await request(gateway, 'POST', `/api/appraisal-campaigns/${id}/publish`, { token: tokens.committee! })).status).toBe(200);
    const reply = await request(gateway, 'GET', '/api/me/appraisals', { token: tokens.staff! });
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    // The group of 2 shows its mean, never its counts.
    expect(reply.json.results[0].groups[1].indicators[0]).toMatchObject({ counts: null, n: null, mean: expect.stringMatching(/^\d+\.\d{2}$/) });
    return [
      { label: 'own results before publication', reply: before },
      { label: 'own results, published', reply },
    ];
  },
  satisfaction: async () => {
    const asked: Asked[] = [];
    for (const range of RANGES) {
      for (const window of Object.values(W)) {
        for (const who of ['admin', 'committee', 'unitAdmin'] as const) {
          const reply = await request(gateway, 'GET', '/api/results/satisfaction', { token: tokens[who]!, query: { window, ...range } });
          if (reply.status === 404 && who === 'unitAdmin' && window === W.own) continue;
          asked.push({ label: `satisfaction ${who} ${window} ${range.from}..${range.to}`, reply });
        }
      }
    }
    return asked;
  },
  satisfactionReport: async () => {
    const asked: Asked[] = [];
    for (const range of RANGES) {
      for (const query of reportQueries(range)) {
        const reply = await request(gateway, 'GET', '/api/reports/satisfaction', { token: tokens.committee!, query });
        asked.push({ label: `report ${JSON.stringify(query)}`, reply });
      }
    }
    return asked;
  },
  myReport: async () => {
    const asked: Asked[] = [];
    for (const range of RANGES) {
      for (const query of [{}, { window: W.few }] as Record<string, string>[]) {
        const reply = await request(gateway, 'GET', '/api/reports/me', { token: tokens.staff!, query: { ...query, period: 'custom', ...range } });
        asked.push({ label: `me ${JSON.stringify(query)} ${range.from}..${range.to}`, reply });
      }
    }
    return asked;
  },
  getRoundResults: async () => {
    // A census round over the county's two units (8 people each), answered 0, then 3 + 0, then 3 + 7:
    // a stratum of 3 answers must show nothing, nor be the round minus the other.
    const asked: Asked[] = [];
    const ask = async (label: string) => {
      for (const who of ['admin', 'committee'] as const) {
        asked.push({ label: `round results ${who} ${label}`, reply: await request(gateway, 'GET', `/api/sampling-rounds/${roundId}/results`, { token: tokens[who]! }) });
      }
    };
    const admin = (method: 'GET' | 'POST', path: string, body?: unknown) => request(gateway, method, path, { token: tokens.admin!, ...(body !== undefined ? { body } : {}) });
    const credential = (await admin('POST', '/api/integration-clients', { unitId: UNITS.root, name: '小样本接入系统' })).json.credential as string;
    const records = Array.from({ length: 16 }, (_, person) => ({
      projNo: `NS-${person}`,
      unitId: person < 8 ? UNITS.a : UNITS.root,
      serviceItem: '小样本事项',
      finishedAt: new Date(Date.now() - 86_400_000).toISOString(),
      servedVia: 'window',
      applicantType: 'person',
      applicantMobile: `1390000${String(person).padStart(4, '0')}`,
    }));
    expect((await request(gateway, 'POST', '/api/service-records', { token: credential, body: { records } })).json.stored).toBe(16);
    const today = chinaDay(new Date());
    const round = await admin('POST', '/api/sampling-rounds', {
      name: '小样本测评',
      unitId: UNITS.root,
      period: { from: addDays(today, -3), to: today },
      strataBy: 'unit',
      size: { mode: 'total', n: 16 },
      invitationText: '请评价：{link}',
      deadline: addDays(today, 5),
    });
    const roundId = String(round.json.roundId);
    smallRoundId = roundId;
    for (const step of ['commit', 'freeze', 'draw', 'send']) expect((await admin('POST', `/api/sampling-rounds/${roundId}/${step}`, step === 'draw' ? { publicInput: '' } : undefined)).status).toBe(200);
    await ask('before any answer');
    const links = await t.runtime.invitations.outbox(roundId, 100);
    const invitations = await t.runtime.invitations.list(roundId);
    const stratumOf = new Map<string, string>();
    for (const link of links) {
      const token = link.link.slice(link.link.lastIndexOf('/s/') + 3);
      const stored = await t.runtime.ratingLinks.get(createHash('sha256').update(token).digest('hex'));
      if (stored?.state === 'open' && stored.stratum) stratumOf.set(token, stored.stratum);
    }
    expect(invitations).toHaveLength(16);
    const answer = async (stratum: string, howMany: number, level: number) => {
      const chosen = [...stratumOf].filter(([, key]) => key === stratum).map(([token]) => token).slice(0, howMany);
      for (const token of chosen) {
        expect((await request(gateway, 'POST', '/api/public/sampling-invitations/ratings', { body: { token, level } })).status).toBe(201);
        stratumOf.delete(token);
      }
    };
    await answer(UNITS.a, 3, 5);
    await ask('3 + 0 answers');
    await answer(UNITS.root, 7, 4);
    await ask('3 + 7 answers, open');
    // The rates show from the close on (by another administrator than the one who drew).
    expect((await request(gateway, 'POST', `/api/sampling-rounds/${roundId}/close`, { token: tokens.closer! })).status).toBe(200);
    await ask('3 + 7 answers, closed');
    const last = asked[asked.length - 1]!.reply.json as { strata: { key: string; suppressed: string | null }[]; total: { n: number | null } };
    expect(last.strata.find((stratum) => stratum.key === UNITS.a)!.suppressed).toBe('small-group');
    expect(last.strata.find((stratum) => stratum.key === UNITS.root)!.suppressed).toBe('complementary');
    expect(last.total.n).toBe(10);
    return asked;
  },
  getPublishedRound: async () => {
    // The census round above, closed with 3 + 7 answers, published: what anyone reads without an account.
    if (!smallRoundId) await ASK.getRoundResults!();
    const published = await request(gateway, 'POST', `/api/sampling-rounds/${smallRoundId!}/publish`, { token: tokens.closer! });
    expect([200, 409]).toContain(published.status);
    const reply = await request(gateway, 'GET', `/api/public/sampling-rounds/${smallRoundId!}`);
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    expect(reply.json.results.strata.find((stratum: { key: string }) => stratum.key === UNITS.a).suppressed).toBe('small-group');
    return [{ label: 'published round, anyone', reply }];
  },
  verifyExport: async () => {
    // What /verify tells about every file downloaded for the fixture's small groups.
    const asked: Asked[] = [];
    for (const file of await downloads()) {
      const hash = createHash('sha256').update(file.bytes).digest('hex');
      asked.push({ label: `verify ${file.label}`, reply: await request(gateway, 'GET', `/api/public/exports/${hash}`) });
      const dataHash = String(file.headers['x-manyi-data-sha256'] ?? '');
      if (dataHash) asked.push({ label: `verify data ${file.label}`, reply: await request(gateway, 'GET', `/api/public/exports/${dataHash}`) });
    }
    return asked;
  },
};

interface Download {
  label: string;
  format: 'csv' | 'xlsx';
  bytes: Buffer;
  headers: Reply['headers'];
}

/** The census round of ASK.getRoundResults (3 + 7 answers once asked), whose report file is checked too. */
let smallRoundId: string | undefined;

/** The round's report as XLSX, as a system admin and a committee member download it, after its 3 + 7 answers. */
async function roundDownloads(): Promise<Download[]> {
  if (!smallRoundId) await ASK.getRoundResults!();
  const files: Download[] = [];
  for (const who of ['admin', 'committee'] as const) {
    const reply = await request(gateway, 'GET', `/api/sampling-rounds/${smallRoundId!}/results/export`, { token: tokens[who]!, query: { format: 'xlsx' } });
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    files.push({ label: `round xlsx ${who}`, format: 'xlsx', bytes: Buffer.from(reply.text, 'base64'), headers: reply.headers });
  }
  // The stratum of 3 answers is in the file, as "<5": the check below reads a table that has it.
  const tables = await fileTables(files[0]!);
  expect(tables.some((table) => table.some((row) => row.includes('<5')))).toBe(true);
  return files;
}

/** The small campaign's results as CSV and XLSX, as a system admin and a committee member download them. */
async function campaignDownloads(): Promise<Download[]> {
  const { id } = await smallCampaign();
  const files: Download[] = [];
  for (const who of ['admin', 'committee'] as const) {
    for (const format of ['csv', 'xlsx'] as const) {
      const reply = await request(gateway, 'GET', `/api/appraisal-campaigns/${id}/results/export`, { token: tokens[who]!, query: { format } });
      expect(reply.status, reply.text.slice(0, 300)).toBe(200);
      files.push({ label: `campaign ${format} ${who}`, format, bytes: Buffer.from(reply.text, 'base64'), headers: reply.headers });
    }
  }
  // The group of 2 is in the file, as "<10": the check below reads a table that has it.
  const tables = await fileTables(files[0]!);
  expect(tables.some((table) => table.some((row) => row.includes('群众代表') && row.includes(HIDDEN_BALLOTS)))).toBe(true);
  return files;
}

const FILE_DOWNLOADS: Record<(typeof FILES_WITH_COUNTS)[number], () => Promise<Download[]>> = {
  exportSatisfactionReport: () => downloads(),
  exportRoundResults: roundDownloads,
  exportCampaignResults: campaignDownloads,
};

let downloaded: Download[] | undefined;
async function downloads(): Promise<Download[]> {
  if (downloaded) return downloaded;
  downloaded = [];
  for (const range of RANGES) {
    for (const query of reportQueries(range)) {
      for (const format of ['csv', 'xlsx'] as const) {
        const reply = await request(gateway, 'GET', '/api/reports/satisfaction/export', { token: tokens.committee!, query: { ...query, format } });
        expect(reply.status, reply.text.slice(0, 300)).toBe(200);
        downloaded.push({ label: `${format} ${JSON.stringify(query)}`, format, bytes: Buffer.from(reply.text, 'base64'), headers: reply.headers });
      }
    }
  }
  return downloaded;
}

/** The tables of a file as rows of strings (CSV: sections under 【heading】 lines; XLSX: one sheet each). */
async function fileTables(file: Download): Promise<string[][][]> {
  if (file.format === 'csv') {
    const records = parseCsv(file.bytes.subarray(3), { relax_column_count: true }) as string[][];
    const tables: string[][][] = [[]];
    for (const record of records) {
      if (record.length === 1 && /^【.*】$/.test(record[0]!)) tables.push([]);
      else tables.at(-1)!.push(record);
    }
    return tables;
  }
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
  const tables: string[][][] = [];
  book.eachSheet((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    tables.push(rows);
  });
  return tables;
}

/** What a 民主评议 file prints for a count under APPRAISAL_MIN_GROUP. */
const HIDDEN_BALLOTS = '<10';

/**
 * Every group size a file prints: the 评价数 column of each table, and the 评价数 line of the summary;
 * in a 民主评议 file, the 计分票数 and option columns (under 10: "<10") and the 计算说明's "计分 n 票".
 */
async function smallGroupsInFile(file: Download): Promise<string[]> {
  const found: string[] = [];
  for (const table of await fileTables(file)) {
    const header = table.findIndex((row) => row.includes('计分票数'));
    if (header !== -1) {
      const columns = table[header]!;
      const n = columns.indexOf('计分票数');
      const options = columns.slice(n + 1, columns.indexOf('平均分')).map((_, i) => n + 1 + i);
      for (const row of table.slice(header + 1)) {
        const numbers = [row[n], ...options.map((i) => row[i])];
        if (numbers.every((value) => value === HIDDEN_BALLOTS)) continue;
        const total = options.reduce((sum, i) => sum + Number(row[i]), 0);
        if (Number(row[n]) < APPRAISAL_MIN_GROUP || total < APPRAISAL_MIN_GROUP) found.push(`${file.label}: ${row[0]} ${row[1]} 计分票数 ${row[n]}, counts ${total}`);
      }
    }
    for (const row of table) {
      const scored = row.map((cell) => /计分 (\d+) 票/.exec(cell)).find(Boolean);
      if (scored && Number(scored[1]) < APPRAISAL_MIN_GROUP) found.push(`${file.label}: ${row[0]} ${row[1]} ${scored[0]}`);
    }
  }
  const small = (value: string | undefined) => value !== undefined && /^\d+$/.test(value.trim()) && Number(value) > 0 && Number(value) < K;
  for (const table of await fileTables(file)) {
    table.forEach((row, i) => {
      if (row[0] === '评价数' && small(row[1])) found.push(`${file.label}: 评价数 ${row[1]}`);
    });
    const header = table.findIndex((row) => row.includes('评价数') && row[0] !== '评价数');
    if (header === -1) continue;
    const column = table[header]!.indexOf('评价数');
    const levelColumns = table[header]!.map((name, i) => (/\([1-5]\)$/.test(name) ? i : -1)).filter((i) => i >= 0);
    for (const row of table.slice(header + 1)) {
      if (small(row[column])) found.push(`${file.label}: ${row[0]} 评价数 ${row[column]}`);
      const counts = levelColumns.map((i) => row[i]);
      if (counts.every((value) => value !== undefined && /^\d+$/.test(value))) {
        const total = counts.reduce((a, value) => a + Number(value), 0);
        if (total > 0 && total < K) found.push(`${file.label}: ${row[0]} counts add up to ${total}`);
      }
    }
  }
  return found;
}

describe('no cell with 0 < n < 5 (issue 11, item 1)', () => {
  it('knows every operation that answers counts, and every file operation', () => {
    // The route table, walked: what has counts today. Adding one means adding it to ASK.
    expect(countOperations).toEqual([...Object.keys(ASK), ...Object.keys(SAMPLE_DESIGN)].sort());
    const files = Object.entries(operations)
      .filter(([, op]) => op.method === 'GET' && !(op.responses as Record<number, { schema?: unknown }>)[200]?.schema && (op.responses as Record<number, unknown>)[200] !== undefined)
      .map(([id]) => id)
      .sort();
    expect(files).toEqual([...FILES_WITH_COUNTS, ...Object.keys(FILES_WITHOUT_COUNTS)].sort());
  });

  it('has the fixture it promises: 1, 2, 3 and 4 ratings of one window in the four day ranges', async () => {
    for (const [i, range] of RANGES.entries()) {
      const counted = RATINGS.filter((r) => r.window === W.few && DAYS[r.day]! >= range.from && DAYS[r.day]! <= range.to).length;
      expect(counted).toBe(i + 1);
      const stored = await t.runtime.totals.windowsDays([W.few], range.from, range.to, { concurrency: 1 });
      expect(stored.days.reduce((n, day) => n + Object.values(day.counts).reduce((a: number, b) => a + Number(b), 0), 0)).toBe(i + 1);
    }
  });

  it.each(Object.keys(ASK))('%s: no answer shows a group under 5, or lets one be subtracted', async (id) => {
    const asked = await ASK[id as OperationId]!();
    expect(asked.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const { label, reply } of asked) {
      expect(reply.status, `${label}: ${reply.text.slice(0, 300)}`).toBe(200);
      for (const found of smallGroups(reply.json)) problems.push(`${label}: ${found}`);
      if (reply.json && typeof reply.json === 'object' && 'summary' in reply.json) {
        for (const found of reportFamilies(reply.json as ReportJson)) problems.push(`${label}: ${found}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('GET /api/results/satisfaction: the window with 1–4 ratings has no numbers and says why, like a report cell', async () => {
    for (const [i, range] of RANGES.entries()) {
      const reply = await request(gateway, 'GET', '/api/results/satisfaction', { token: tokens.committee!, query: { window: W.few, ...range } });
      expect(reply.status).toBe(200);
      expect(reply.json, `${i + 1} ratings`).toMatchObject({ suppressed: 'small-group', n: null, counts: null, goodRate: null, satisfiedRate: null });
      expect(reply.json.suppression).toMatchObject({ k: K, rule: { zh: expect.stringContaining('<5') } });
    }
    // The large window is shown, with the same numbers as the report of that window.
    const range = RANGES[3]!;
    const shown = await request(gateway, 'GET', '/api/results/satisfaction', { token: tokens.committee!, query: { window: W.big, ...range } });
    const report = await request(gateway, 'GET', '/api/reports/satisfaction', { token: tokens.committee!, query: { unit: UNITS.a, window: W.big, period: 'custom', ...range } });
    expect(shown.json).toMatchObject({ suppressed: null, n: 27 });
    expect(shown.json.counts).toEqual(report.json.summary.counts);
    expect(shown.json.satisfiedRate).toEqual(report.json.summary.satisfiedRate);
  });

  it.each(FILES_WITH_COUNTS)('%s: no file prints a group under 5', async (id) => {
    const files = await FILE_DOWNLOADS[id]();
    expect(files.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const file of files) problems.push(...(await smallGroupsInFile(file)));
    expect(problems).toEqual([]);
  });
});
