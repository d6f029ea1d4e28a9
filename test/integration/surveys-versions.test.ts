import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createGateway } from '../../infra/local/gateway.js';
import { keys } from '../../functions/src/data/keys.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import { postRating, queryPartition } from './fixtures.js';
import { committee, deptAdmin, putSurveyTree, SV, systemAdmin } from './surveys-fixtures.js';

/**
 * 问卷 lifecycle through the real handlers and DynamoDB Local: draft → publish → immutable,
 * a new draft is a copy with version + 1, retire falls back; ratings record the version they
 * answered and their answers are checked against it.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
/** The runtime's clock: a rating lands on its day, which the test then reads. */
const now = pinnedClock();
const tokens: Record<string, string> = {};
const base = `/api/admin/units/${SV.dept}/survey`;

const questions = [
  { id: 'q1', kind: 'single', text: '您本次办理的事项', required: true, choices: [{ id: 'c1', text: '参保登记' }, { id: 'c2', text: '待遇领取' }] },
  { id: 'q2', kind: 'multiple', text: '您了解办事指南的途径', required: false, choices: [{ id: 'c1', text: '网站' }, { id: 'c2', text: '电话' }] },
  { id: 'q3', kind: 'rating', text: '等候时间', required: false },
  { id: 'q4', kind: 'text', text: '其他建议', required: false },
];

const as = (who: string, method: 'GET' | 'POST', path: string, body?: unknown) =>
  request(gateway, method, path, { token: tokens[who]!, ...(body !== undefined ? { body } : {}) });

async function auditActions(actor: string): Promise<string[]> {
  return (await scanAll(t.doc, t.tables.audit)).filter((e) => e.actor === actor).map((e) => `${e.action}:${e.result}`);
}

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now });
  t.install();
  await putSurveyTree(t.runtime);
  for (const [name, principal] of Object.entries({ deptAdmin, systemAdmin, committee })) tokens[name] = (await t.runtime.tokens.issue(principal, new Date())).token;
}, 60_000);
afterAll(() => t?.close());

describe('survey versions', () => {
  it('starts with the national part only', async () => {
    const listed = await as('deptAdmin', 'GET', base);
    expect(listed.status).toBe(200);
    expect(listed.json).toMatchObject({ surveyId: `agency-${SV.dept}`, versions: [], applies: null });
    const card = await request(gateway, 'GET', `/api/public/windows/${SV.windows.open}`);
    expect(card.json.agencySection).toBeUndefined();
  });

  it('goes draft → publish, and a published version refuses edits (409)', async () => {
    const draft = await as('deptAdmin', 'POST', `${base}/drafts`);
    expect(draft.status).toBe(201);
    expect(draft.json).toMatchObject({ version: 1, state: 'draft', questions: [] });

    const saved = await as('deptAdmin', 'POST', `${base}/versions/1`, { title: '人社局补充问卷', questions });
    expect(saved.status).toBe(200);
    expect(saved.json.questions).toHaveLength(4);

    const published = await as('deptAdmin', 'POST', `${base}/versions/1/publish`);
    expect(published.status).toBe(200);
    expect(published.json.state).toBe('published');

    const edit = await as('deptAdmin', 'POST', `${base}/versions/1`, { title: '改了', questions: [] });
    expect(edit.status).toBe(409);
    expect(edit.json.error.issues[0].field).toBe('version');
    const again = await as('deptAdmin', 'POST', `${base}/versions/1/publish`);
    expect(again.status).toBe(409);
    const stored = await as('deptAdmin', 'GET', `${base}/versions/1`);
    expect(stored.json).toMatchObject({ title: '人社局补充问卷', state: 'published' });
    expect(await auditActions(deptAdmin.username)).toEqual(expect.arrayContaining(['survey.publish:ok', 'survey.edit:invalid']));
  });

  it('shows the published section on the unit’s windows and on its sub-units’ windows only', async () => {
    const own = await request(gateway, 'GET', `/api/public/windows/${SV.windows.open}`);
    expect(own.json.agencySection).toMatchObject({ surveyId: `agency-${SV.dept}`, version: 1, title: '人社局补充问卷' });
    const parent = await request(gateway, 'GET', `/api/public/windows/${SV.windows.inherit}`);
    expect(parent.json.agencySection).toBeUndefined();
  });

  it('stores a rating with the version it answered and its validated answers', async () => {
    const reply = await postRating(gateway, {
      windowCode: SV.windows.open,
      level: 4,
      surveyId: `agency-${SV.dept}`,
      surveyVersion: 1,
      answers: { q1: 'c2', q2: ['c1', 'c2'], q3: 3, q4: '  希望增加座位  ' },
    });
    expect(reply.status).toBe(201);
    const day = chinaDay(now());
    const [rating] = await queryPartition(t.doc, t.tables.ops, keys.ratingPartition(SV.windows.open, day));
    expect(rating).toMatchObject({ surveyId: `agency-${SV.dept}`, surveyVersion: 1, answers: { q1: 'c2', q2: ['c1', 'c2'], q3: 3, q4: '希望增加座位' } });
  });

  it.each([
    ['an unknown question', { q1: 'c1', q9: 'x' }, 'answers.q9'],
    ['a choice that does not exist', { q1: 'c7' }, 'answers.q1'],
    ['a wrong kind', { q1: 'c1', q3: 'five' }, 'answers.q3'],
    ['a missing required answer', { q3: 5 }, 'answers.q1'],
    ['a control character in a text answer', { q1: 'c1', q4: 'a\u0000b' }, 'answers.q4'],
  ])('refuses %s with a 400 naming the field, and stores nothing', async (_what, answers, field) => {
    const before = (await scanAll(t.doc, t.tables.ops)).length;
    const reply = await postRating(gateway, { windowCode: SV.windows.open, level: 5, surveyId: `agency-${SV.dept}`, surveyVersion: 1, answers });
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues.map((i: { field: string }) => i.field)).toContain(field);
    expect((await scanAll(t.doc, t.tables.ops)).length).toBe(before);
  });

  it('refuses answers to a survey that is not the window’s', async () => {
    const reply = await postRating(gateway, { windowCode: SV.windows.inherit, level: 5, surveyId: `agency-${SV.dept}`, surveyVersion: 1, answers: { q1: 'c1' } });
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues[0].field).toBe('surveyId');
  });

  it('starts the next draft as a copy with version + 1; one draft at a time', async () => {
    const draft = await as('deptAdmin', 'POST', `${base}/drafts`);
    expect(draft.status).toBe(201);
    expect(draft.json).toMatchObject({ version: 2, state: 'draft', title: '人社局补充问卷' });
    expect(draft.json.questions).toEqual((await as('deptAdmin', 'GET', `${base}/versions/1`)).json.questions);
    expect((await as('deptAdmin', 'POST', `${base}/drafts`)).status).toBe(409);
    await as('deptAdmin', 'POST', `${base}/versions/2`, { title: '人社局补充问卷（二）', questions: questions.slice(2) });
    expect((await as('deptAdmin', 'POST', `${base}/versions/2/publish`)).status).toBe(200);
    const card = await request(gateway, 'GET', `/api/public/windows/${SV.windows.open}`);
    expect(card.json.agencySection).toMatchObject({ version: 2 });
  });

  it('keeps a rating of the previous version pointing at it, validated against it', async () => {
    // A page loaded before version 2 was published still answers version 1.
    const reply = await postRating(gateway, { windowCode: SV.windows.open, level: 5, surveyId: `agency-${SV.dept}`, surveyVersion: 1, answers: { q1: 'c1' } });
    expect(reply.status).toBe(201);
  });

  it('retires a version: windows fall back to the previous published one, then to the national part', async () => {
    expect((await as('deptAdmin', 'POST', `${base}/versions/2/retire`)).status).toBe(200);
    expect((await request(gateway, 'GET', `/api/public/windows/${SV.windows.open}`)).json.agencySection).toMatchObject({ version: 1 });
    const listed = await as('deptAdmin', 'GET', base);
    expect(listed.json.applies).toMatchObject({ version: 1, inherited: false });
    expect((await as('deptAdmin', 'POST', `${base}/versions/2/retire`)).status).toBe(409);

    expect((await as('deptAdmin', 'POST', `${base}/versions/1/retire`)).status).toBe(200);
    expect((await request(gateway, 'GET', `/api/public/windows/${SV.windows.open}`)).json.agencySection).toBeUndefined();
    expect((await as('deptAdmin', 'GET', base)).json.applies).toBeNull();
  });

  it('answers another unit’s survey like one that does not exist, refuses the committee’s writes, and audits both', async () => {
    const foreign = await as('deptAdmin', 'GET', `/api/admin/units/${SV.other}/survey`);
    expect(foreign.status).toBe(404);
    const missing = await as('deptAdmin', 'GET', `/api/admin/units/no-such-unit/survey`);
    expect(foreign.json).toEqual(missing.json);
    expect((await as('committee', 'POST', `${base}/drafts`)).status).toBe(403);
    expect(await auditActions(deptAdmin.username)).toContain('survey.list:denied');
    expect(await auditActions(committee.username)).toContain('survey.draft:denied');
  });

  it('refuses a bad draft with 400 naming the field', async () => {
    await as('systemAdmin', 'POST', `/api/admin/units/${SV.root}/survey/drafts`);
    const reply = await as('systemAdmin', 'POST', `/api/admin/units/${SV.root}/survey/versions/1`, {
      title: '市级问卷',
      questions: [{ id: 'q1', kind: 'single', text: '只有一个选项', choices: [{ id: 'c1', text: '唯一' }] }],
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues[0].field).toBe('questions.0.choices');
  });
});
