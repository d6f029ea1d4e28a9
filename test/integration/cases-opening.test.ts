import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CaseRecord } from '../../functions/src/data/cases/cases.js';
import { allPages } from '../../functions/src/use-cases/reports/report-deps.js';
import { createGateway } from '../../infra/local/gateway.js';
import { addWorkingDays } from '../../shared/src/domain/cases/working-days.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { HALL_ID, mulberry32, postRating, putDirectory, scanTable, storedRatings, UNIT_ID, withConcurrency } from './fixtures.js';

/**
 * 差评 open their cases in the rating's own transaction (issue 15 §1; decision 0028): through the
 * real handler into DynamoDB Local, 1,000 ratings sent 32 at a time open exactly one case per rating
 * at 不满意 or 非常不满意 and none for the others; a case holds what its rating holds about the
 * service and nothing more about the rater; an idempotent replay opens nothing new; a resident's
 * number stays in the contact store, the case keeping only the contact's id.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const NOW = new Date();
const DAY = chinaDay(NOW);
const W = { busy: 'case0001', quiet: 'case0002', phone: 'case0003' } as const;

/** What a case may hold: the rating's service facts, its state and deadline — no IP, device, time or number. */
const CASE_ATTRIBUTES = new Set(['pk', 'sk', 'kind', 'caseId', 'unitId', 'hallId', 'windowCode', 'day', 'level', 'reasons', 'comment', 'channel', 'contactId', 'suspect', 'state', 'due', 'dueUncoveredYears', 'reopened', 'updatedAt']);

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.now = () => NOW;
  t.install();
  await putDirectory(t.runtime, Object.values(W));
});

afterAll(() => t?.close());

async function cases(): Promise<CaseRecord[]> {
  return (await scanTable(t.doc, t.tables.ops)).filter((item) => String(item.pk).startsWith('CASE#') && item.sk === 'META') as unknown as CaseRecord[];
}

describe('a 差评 opens its case with its rating', () => {
  it('opens exactly one case per rating at level 1 or 2 among 1,000 concurrent ratings, and none for the others', async () => {
    const random = mulberry32(20261207);
    const bodies = Array.from({ length: 1000 }, (_, i) => {
      const level = 1 + Math.floor(random() * 5);
      return {
        windowCode: i % 3 === 0 ? W.quiet : W.busy,
        level,
        ...(level <= 2 && random() < 0.5 ? { reasons: ['SLOW'] } : {}),
        ...(level <= 2 && random() < 0.3 ? { comment: `第${i}号：等了很久` } : {}),
      };
    });
    const replies = await withConcurrency(bodies, 32, (body) => postRating(gateway, body, { 'idempotency-key': randomUUID() }));
    expect(replies.filter((reply) => reply.status !== 201).map((reply) => reply.status)).toEqual([]);

    const ratings = [...(await storedRatings(t.doc, t.tables.ops, W.busy, DAY)), ...(await storedRatings(t.doc, t.tables.ops, W.quiet, DAY))];
    expect(ratings).toHaveLength(1000);
    const bad = ratings.filter((rating) => Number(rating.level) <= 2);
    expect(bad.length).toBeGreaterThan(300);
    const opened = await cases();
    expect(opened.map((item) => item.caseId).sort()).toEqual(bad.map((rating) => String(rating.id)).sort());

    // Each case: its rating's service facts, 待核实, due a working day after the rating's day.
    const due = addWorkingDays(DAY, 1).day;
    const byId = new Map(bad.map((rating) => [String(rating.id), rating]));
    for (const item of opened) {
      const rating = byId.get(item.caseId)!;
      expect(item).toMatchObject({ unitId: UNIT_ID, hallId: HALL_ID, windowCode: rating.windowCode, day: DAY, level: rating.level, channel: 'window-qr', state: 'pending', due, reopened: 0 });
      expect(item.reasons ?? null).toEqual(rating.reasons ?? null);
      expect(item.comment ?? null).toEqual(rating.comment ?? null);
      expect(item.contactId).toBeUndefined();
      for (const attribute of Object.keys(item)) expect(CASE_ATTRIBUTES.has(attribute), attribute).toBe(true);
    }

    // The unit's queue and each window's list every case once, 待核实 first by due day.
    const queue = await allPages((cursor) => t.runtime.cases.unitQueue(UNIT_ID, { state: 'pending', limit: 100, cursor }));
    expect(queue.map((entry) => entry.caseId).sort()).toEqual(opened.map((item) => item.caseId).sort());
    for (const code of [W.busy, W.quiet]) {
      const listed = await allPages((cursor) => t.runtime.cases.windowQueue(code, { limit: 250, cursor }));
      expect(listed.map((entry) => entry.caseId).sort()).toEqual(opened.filter((item) => item.windowCode === code).map((item) => item.caseId).sort());
    }
    // Nothing is overdue on the rating's own day: the first due day is the next working day.
    expect((await t.runtime.cases.unitQueue(UNIT_ID, { state: 'pending', dueBefore: DAY, limit: 10 })).items).toEqual([]);
  });

  it('opens nothing new on an idempotent replay of a 差评', async () => {
    const before = (await cases()).length;
    const key = randomUUID();
    const body = { windowCode: W.busy, level: 1, reasons: ['RUDE'] };
    const first = await postRating(gateway, body, { 'idempotency-key': key });
    const again = await postRating(gateway, body, { 'idempotency-key': key });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.json.id).toBe(first.json.id);
    const after = await cases();
    expect(after).toHaveLength(before + 1);
    expect(after.filter((item) => item.caseId === first.json.id)).toHaveLength(1);
  });

  it('keeps a resident’s number in the contact store: the case holds only the contact’s id (实名差评)', async () => {
    const phone = '13912345678';
    const reply = await postRating(gateway, { windowCode: W.phone, level: 2, reasons: ['SLOW'], contactPhone: phone, consentToCallback: true }, { 'idempotency-key': randomUUID() });
    expect(reply.status).toBe(201);
    const item = (await cases()).find((entry) => entry.caseId === reply.json.id)!;
    expect(item.contactId).toMatch(/^[0-9a-f]{32}$/);
    const contacts = await scanTable(t.doc, t.tables.contacts);
    expect(contacts.find((contact) => contact.contactId === item.contactId)).toMatchObject({ ratingId: reply.json.id });
    const opsText = JSON.stringify(await scanTable(t.doc, t.tables.ops));
    expect(opsText).not.toContain(phone);
  });
});
