import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { addWorkingDays } from '../../shared/src/domain/cases/working-days.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { callerAs, postRating } from './fixtures.js';

/**
 * A unit's 差评 deadlines (issue 15 §1; decision 0028) on DynamoDB Local: the defaults until a unit
 * on the path sets its own; the 15-day rule set once at the province reaches the bureau's 限期整改;
 * the bureau's own setting comes before it, for a new 差评's verification too; inheriting again;
 * every bad field named; committees read, never set; another unit's is out of scope; audited.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const PROVINCE: Principal = { username: 'dl.province', role: 'unit-admin', unitId: 'dp' };
const BUREAU: Principal = { username: 'dl.bureau', role: 'unit-admin', unitId: 'db' };
const COMMITTEE: Principal = { username: 'dl.committee', role: 'committee', unitId: 'db' };
const SIBLING: Principal = { username: 'dl.sibling', role: 'unit-admin', unitId: 'ds' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
const today = () => chinaDay(new Date());
const get = (who: Principal, unitId: string) => as(who, 'GET', '/api/case-deadlines', undefined, { unitId });
const put = (who: Principal, body: unknown) => as(who, 'PUT', '/api/case-deadlines', body);

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [PROVINCE, BUREAU, COMMITTEE, SIBLING]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  const write = seedWriter(t.runtime);
  await write.putUnit({ id: 'dp', name: '某省', parentId: null, path: ['dp'] });
  await write.putUnit({ id: 'dc', name: '某县', parentId: 'dp', path: ['dp', 'dc'] });
  await write.putUnit({ id: 'db', name: '某县人社局', parentId: 'dc', path: ['dp', 'dc', 'db'] });
  await write.putUnit({ id: 'ds', name: '某县医保局', parentId: 'dc', path: ['dp', 'dc', 'ds'] });
  await write.putHall({ id: 'dl-hall', unitId: 'dc', name: '县政务大厅', address: '人民路1号' });
  await write.putWindow({ code: 'dlwb0001', unitId: 'db', hallId: 'dl-hall', name: '社保窗口', staffOnDutyIds: [], active: true, surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
});

afterAll(() => t?.close());

describe('a unit’s 差评 deadlines', () => {
  it('follow the nearest unit that set them: the defaults, the province’s 15-day rule, the bureau’s own, inherited again', async () => {
    const initial = await get(BUREAU, 'db');
    expect(initial.status).toBe(200);
    expect(initial.json).toEqual({ unitId: 'db', effective: { verify: 1, immediate: 1, deadline: 5 }, from: null, defaults: { verify: 1, immediate: 1, deadline: 5 } });

    // The province sets the 15-day rule for 限期整改 once: the bureau follows it.
    const rule = await put(PROVINCE, { unitId: 'dp', verify: 1, immediate: 1, deadline: 15 });
    expect(rule.status).toBe(200);
    expect(rule.json).toMatchObject({ unitId: 'dp', own: { verify: 1, immediate: 1, deadline: 15 }, from: 'dp' });
    expect((await get(COMMITTEE, 'db')).json).toMatchObject({ effective: { deadline: 15 }, from: 'dp', fromName: '某省' });
    const { id: first } = await submitRating(t.runtime, { windowCode: 'dlwb0001', level: 2, reasons: ['SLOW'] }, {});
    const limited = await as(BUREAU, 'POST', `/api/cases/${first}/transitions`, { to: 'deadline', note: '需更换叫号系统' });
    expect(limited.json).toMatchObject({ state: 'deadline', due: addWorkingDays(today(), 15).day });

    // The bureau's own setting comes first — for the verification of a new 差评 too (the rating route).
    const own = await put(BUREAU, { unitId: 'db', verify: 2, immediate: 1, deadline: 3 });
    expect(own.json).toMatchObject({ own: { verify: 2, immediate: 1, deadline: 3 }, effective: { verify: 2, immediate: 1, deadline: 3 }, from: 'db' });
    const rated = await postRating(gateway, { windowCode: 'dlwb0001', level: 1, reasons: ['RUDE'] });
    expect(rated.status).toBe(201);
    expect((await as(BUREAU, 'GET', `/api/cases/${rated.json.id}`)).json).toMatchObject({ state: 'pending', due: addWorkingDays(today(), 2).day });
    // A running deadline stays as it was given.
    expect((await as(BUREAU, 'GET', `/api/cases/${first}`)).json).toMatchObject({ due: addWorkingDays(today(), 15).day });

    const inherited = await put(BUREAU, { unitId: 'db', inherit: true });
    expect(inherited.status).toBe(200);
    expect(inherited.json).toMatchObject({ effective: { deadline: 15 }, from: 'dp' });
    expect(inherited.json.own).toBeUndefined();
    const { entries } = await t.runtime.audit.search({ fromDay: today(), toDay: today(), action: 'case.deadlines.set' });
    expect(entries.map((entry) => [entry.actor, entry.objectId, entry.detail])).toEqual(
      expect.arrayContaining([
        ['dl.province', 'dp', '核实 1, 立行立改 1, 限期整改 15 working days'],
        ['dl.bureau', 'db', 'inherits'],
      ]),
    );
  });

  it('names every bad field, lets committees read but not set, and keeps another unit’s out of scope', async () => {
    const cases: [unknown, string][] = [
      [{ unitId: 'db', verify: 0, immediate: 1, deadline: 5 }, 'verify'],
      [{ unitId: 'db', verify: 1, immediate: 1, deadline: 31 }, 'deadline'],
      [{ unitId: 'db', verify: 1, immediate: 1.5, deadline: 5 }, 'immediate'],
      [{ unitId: 'db', verify: 1, immediate: 1 }, 'deadline'],
      [{ unitId: 'db', inherit: true, verify: 1 }, 'verify'],
      [{ unitId: 'db', inherit: false, verify: 1, immediate: 1, deadline: 5 }, 'inherit'],
      [{ verify: 1, immediate: 1, deadline: 5 }, 'unitId'],
    ];
    for (const [body, field] of cases) {
      const reply = await put(BUREAU, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json.error.issues.map((issue: { field: string }) => issue.field), JSON.stringify(body)).toContain(field);
    }
    expect((await put(COMMITTEE, { unitId: 'db', verify: 1, immediate: 1, deadline: 5 })).status).toBe(403);
    expect((await put(SIBLING, { unitId: 'db', verify: 1, immediate: 1, deadline: 5 })).status).toBe(404);
    expect((await get(SIBLING, 'db')).status).toBe(404);
    // Nothing was set by the refusals.
    const after = await get(BUREAU, 'db');
    expect(after.status).toBe(200);
    expect(after.json.own).toBeUndefined();
  });
});
