import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { RecoverySent } from '../../shared/src/contracts/cases/recovery.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request } from './accounts-helpers.js';
import { callerAs } from './fixtures.js';

/**
 * 回访 by a one-time SMS link on DynamoDB Local (issue 15 §2; decision 0028): a 实名差评 fixed, its
 * resident sent a link (the local outbox keeps the message: masked number, text, link); an unhappy
 * answer reopens the case (counted), the same link then refused; fixed again, a second link answered
 * happily, the case closed with its number deleted. Anonymous and unfinished cases get no link; a
 * used, foreign or expired token is told apart; every answer is exactly once.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
let now = new Date();
const today = () => chinaDay(now);

const BUREAU: Principal = { username: 'recovery.bureau', role: 'unit-admin', unitId: 'rc-bureau' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
const PHONE = '13912345678';
const WINDOW = 'recoverw';

const step = async (caseId: string, to: string, extra: Record<string, unknown> = {}) => {
  const reply = await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to, note: '已处理：补发告知单并致歉', ...extra });
  expect(reply.status, reply.text).toBe(200);
  return reply.json;
};
const send = (caseId: string) => as(BUREAU, 'POST', `/api/cases/${caseId}/recovery-link`);
const tokenOf = (link: string) => link.split('/h/')[1]!;
const lookup = (token: string) => request(gateway, 'POST', '/api/public/recovery-links/lookup', { body: { token } });
const answer = (token: string, result: string, resolved = 'yes') => request(gateway, 'POST', '/api/public/recovery-links/answers', { body: { token, result, resolved } });

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.now = () => now;
  t.install();
  tokens.set(BUREAU.username, (await t.runtime.tokens.issue(BUREAU, new Date())).token);
  const write = seedWriter(t.runtime);
  await write.putUnit({ id: 'rc-county', name: '回访县', parentId: null, path: ['rc-county'] });
  await write.putUnit({ id: 'rc-bureau', name: '回访县人社局', parentId: 'rc-county', path: ['rc-county', 'rc-bureau'] });
  await write.putHall({ id: 'rc-hall', unitId: 'rc-bureau', name: '人社大厅', address: '人民路1号' });
  await write.putWindow({ code: WINDOW, unitId: 'rc-bureau', hallId: 'rc-hall', name: '社保综合窗口', staffOnDutyIds: [], active: true, surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
});

afterAll(() => t?.close());

describe('回访 by SMS link', () => {
  it('reopens the case on an unhappy answer, refuses the link again, and closes it after a happy answer to a second link', async () => {
    const { id: caseId } = await submitRating(t.runtime, { windowCode: WINDOW, level: 1, reasons: ['SLOW'], contactPhone: PHONE, consentToCallback: true }, {});
    // Not yet fixed: no link.
    const early = await send(caseId);
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('pending');
    await step(caseId, 'immediate');
    await step(caseId, 'fixed');

    // Sent: on one machine the outbox keeps it — masked number, the text and the link; the answer names no number.
    const sent = await send(caseId);
    expect(sent.status, sent.text).toBe(202);
    const first = RecoverySent.parse(sent.json);
    expect(first).toMatchObject({ sender: 'outbox' });
    expect(first.link).toMatch(/\/h\/[A-Za-z0-9_-]{22}$/);
    expect(sent.text).not.toContain(PHONE);
    const [message] = await t.runtime.invitations.outbox(`case-${caseId}`, 5);
    expect(message).toMatchObject({ to: '139****5678', link: first.link });
    expect(message!.text).toContain('社保综合窗口');
    expect(message!.text).not.toContain(PHONE);

    // The resident's page: what the unit did.
    const view = await lookup(tokenOf(first.link!));
    expect(view.status, view.text).toBe(200);
    expect(view.json).toMatchObject({ windowName: '社保综合窗口', unitName: '回访县人社局', day: today(), handling: { state: 'fixed', note: '已处理：补发告知单并致歉' } });

    // Unhappy: 已回访 (不满意), then 待核实 again, counted; the same link is used.
    const unhappy = await answer(tokenOf(first.link!), 'unsatisfied', 'no');
    expect(unhappy.status, unhappy.text).toBe(201);
    expect(unhappy.json).toEqual({ outcome: 'unsatisfied', reopened: true });
    const reopened = (await as(BUREAU, 'GET', `/api/cases/${caseId}`)).json;
    expect(reopened).toMatchObject({ state: 'pending', reopened: 1, callback: 'unsatisfied' });
    expect(reopened.events.slice(-2).map((event: { by: string; to: string; note: string }) => [event.by, event.to])).toEqual([
      ['resident-link', 'called-back'],
      ['resident-link', 'pending'],
    ]);
    expect(reopened.events.at(-2).note).toBe('短信回访：对处理结果不满意，问题未解决');
    for (const again of [await answer(tokenOf(first.link!), 'satisfied'), await lookup(tokenOf(first.link!))]) {
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe('RECOVERY_LINK_USED');
    }

    // Fixed again: a second link; the first still refused; a happy answer, then the unit closes the case.
    await step(caseId, 'immediate');
    await step(caseId, 'fixed');
    const second = RecoverySent.parse((await send(caseId)).json);
    expect((await answer(tokenOf(first.link!), 'satisfied')).status).toBe(409);
    const [happy, twice] = await Promise.all([answer(tokenOf(second.link!), 'satisfied'), answer(tokenOf(second.link!), 'satisfied')]);
    expect([happy.status, twice.status].sort()).toEqual([201, 409]);
    const closed = await step(caseId, 'closed');
    expect(closed).toMatchObject({ state: 'closed', callback: 'satisfied', contactPurged: true });
    // Exactly one 回访 per answer in the record.
    const events = (await as(BUREAU, 'GET', `/api/cases/${caseId}`)).json.events as { to: string; outcome?: string }[];
    expect(events.filter((event) => event.to === 'called-back').map((event) => event.outcome)).toEqual(['unsatisfied', 'satisfied']);
    // Audited: the sends by the unit, the answers by the resident's link.
    const { entries } = await t.runtime.audit.search({ fromDay: today(), toDay: today() });
    expect(entries.filter((entry) => entry.action === 'case.recovery-link' && entry.result === 'ok')).toHaveLength(2);
    expect(entries.filter((entry) => entry.actor === 'resident-link' && entry.objectId === caseId).length).toBe(3);
    expect(JSON.stringify(entries)).not.toContain(PHONE);
  });

  it('sends no link for an anonymous case, tells an unknown, foreign or expired token apart, and names bad answers', async () => {
    const { id: anonymous } = await submitRating(t.runtime, { windowCode: WINDOW, level: 2, reasons: ['RUDE'] }, {});
    await step(anonymous, 'explained');
    const refused = await send(anonymous);
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('anonymous');

    expect((await lookup('AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    const bad = await request(gateway, 'POST', '/api/public/recovery-links/answers', { body: { token: 'AAAAAAAAAAAAAAAAAAAAAA', result: 'happy', resolved: 'yes' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('result');

    const { id: caseId } = await submitRating(t.runtime, { windowCode: WINDOW, level: 2, reasons: ['RUDE'], contactPhone: PHONE, consentToCallback: true }, {});
    await step(caseId, 'explained');
    const sent = RecoverySent.parse((await send(caseId)).json);
    const saved = now;
    try {
      now = new Date(saved.getTime() + 8 * 86_400_000);
      const late = await answer(tokenOf(sent.link!), 'satisfied');
      expect(late.status).toBe(410);
      expect(late.json.error.code).toBe('RECOVERY_LINK_EXPIRED');
    } finally {
      now = saved;
    }
    expect((await as(BUREAU, 'GET', `/api/cases/${caseId}`)).json.state).toBe('explained');
  });
});
