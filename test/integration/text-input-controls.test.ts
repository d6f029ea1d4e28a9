import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../functions/src/auth/password.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { scanAll } from './accounts-helpers.js';
import { call, putDirectory, UNIT_ID, type Reply } from './fixtures.js';

/**
 * Issue 11, finding 3.4: free text (names, displayName, comments, titles, …) is one text type that
 * refuses control characters (C0 but TAB/LF/CR where multi-line, DEL, C1) and lone UTF-16
 * surrogates; a record keyed by the sender (`answers`) refuses `__proto__`, `constructor` and
 * `prototype`. Every request goes through the local gateway as raw JSON text — a lone surrogate
 * travels as its `\ud800` escape, exactly what JSON.stringify writes — and must be a 400 naming the
 * field, with nothing written to any table.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const WINDOW = 'txt00001';
const PASSWORD = 'Strong-Pass-2026!';
const ADMIN: Principal = { username: 'text.admin', role: 'system-admin', unitId: UNIT_ID };
let token = '';

/** What must be refused, by name (the name shows in the test title of a failure). */
const BAD: [string, string][] = [
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['C1 CSI', '\u009b'],
  ['lone high surrogate', '\ud800'],
  ['lone low surrogate', '\udfff'],
];

type Method = 'GET' | 'POST' | 'PATCH';

/** One request through the gateway with a raw JSON text body. */
async function send(method: Method, path: string, body: string, options: { auth?: boolean } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.auth !== false) headers.authorization = `Bearer ${token}`;
  const event = httpEvent(method === 'PATCH' ? 'POST' : method, path, { headers, body });
  event.requestContext.http.method = method;
  return call(gateway, event);
}

/** A free-text field of an input: where it is sent, and the body that carries `value` in it. */
interface Target {
  name: string;
  method: Method;
  path: string;
  field: string;
  body: (value: string, n: number) => Record<string, unknown>;
  auth?: boolean;
}

const TARGETS: Target[] = [
  { name: 'unit name (create unit)', method: 'POST', path: '/api/org/units', field: 'name', body: (v, n) => ({ id: `txt-u${n}`, name: `临江${v}县`, parentId: UNIT_ID }) },
  {
    name: 'staff name (create staff)',
    method: 'POST',
    path: `/api/org/units/${UNIT_ID}/staff`,
    field: 'name',
    body: (v, n) => ({ staffNo: `TX${n}`, name: `王${v}静`, post: '综合受理员', duties: '', pledge: '', partyMember: false }),
  },
  {
    name: 'account displayName (create account)',
    method: 'POST',
    path: '/api/accounts',
    field: 'displayName',
    body: (v, n) => ({ username: `txt.user${n}`, displayName: `赵${v}敏`, personId: `PX${n}`, role: 'committee', unitId: UNIT_ID, password: PASSWORD }),
  },
  { name: 'account displayName (update account)', method: 'PATCH', path: `/api/accounts/${ADMIN.username}`, field: 'displayName', body: (v) => ({ displayName: `管理${v}员` }) },
  { name: 'rating comment', method: 'POST', path: '/api/public/ratings', field: 'comment', auth: false, body: (v) => ({ windowCode: WINDOW, level: 4, comment: `材料${v}要求` }) },
  { name: 'hall name', method: 'POST', path: `/api/org/units/${UNIT_ID}/halls`, field: 'name', body: (v) => ({ name: `大${v}厅` }) },
  { name: 'window name', method: 'POST', path: `/api/org/units/${UNIT_ID}/windows`, field: 'name', body: (v) => ({ name: `综合${v}窗口` }) },
  {
    name: 'survey title',
    method: 'POST',
    path: `/api/admin/units/${UNIT_ID}/survey/versions/1`,
    field: 'title',
    body: (v) => ({ title: `补充${v}问卷`, questions: [] }),
  },
  {
    name: 'rate definition name',
    method: 'POST',
    path: '/api/rate-definitions',
    field: 'name',
    body: (v, n) => ({ id: `txt-def-${n}`, name: `口径${v}`, goodLevels: [5], satisfiedLevels: [5] }),
  },
  { name: 'login username', method: 'POST', path: '/api/auth/login', field: 'username', auth: false, body: (v) => ({ username: `text${v}admin`, password: PASSWORD }) },
];

/** Everything DynamoDB Local holds for this file, read straight from the tables. */
async function everything(): Promise<Record<string, unknown[]>> {
  const sort = (items: Record<string, unknown>[]) => items.map((item) => JSON.stringify(item)).sort();
  return { ops: sort(await scanAll(t.doc, t.tables.ops)), contacts: sort(await scanAll(t.doc, t.tables.contacts)), audit: sort(await scanAll(t.doc, t.tables.audit)) };
}

function fieldsOf(reply: Reply): string[] {
  return (reply.json?.error?.issues ?? []).map((issue: { field: string }) => issue.field);
}

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  await putDirectory(t.runtime, [WINDOW]);
  await t.runtime.accounts.put({ ...ADMIN, displayName: '管理员', personId: 'PX000', passwordHash: await hashPassword(PASSWORD) });
  token = (await t.runtime.tokens.issue(ADMIN, new Date())).token;
  // The survey draft whose title is edited below.
  const draft = await send('POST', `/api/admin/units/${UNIT_ID}/survey/drafts`, '');
  expect(draft.status, draft.text).toBe(201);
}, 60_000);
afterAll(() => t?.close());

describe('free text refuses control characters and lone surrogates (issue 11, 3.4)', () => {
  it('answers 400 naming the field for each refused character in each field, and writes nothing', async () => {
    // Prepare
    const before = await everything();
    const failures: string[] = [];
    let n = 0;

    // Act
    for (const target of TARGETS) {
      for (const [label, char] of BAD) {
        n += 1;
        const text = JSON.stringify(target.body(char, n));
        if (char === '\ud800') expect(text).toContain('\\ud800'); // sent as the JSON escape, as a browser would
        const reply = await send(target.method, target.path, text, { auth: target.auth ?? true });
        const fields = fieldsOf(reply);
        if (reply.status !== 400 || fields.length !== 1 || fields[0] !== target.field || !reply.json.error.message.startsWith(`${target.field}: `)) {
          failures.push(`${target.name} with ${label}: ${reply.status} ${reply.text.slice(0, 160)}`);
        }
      }
    }

    // Assess
    expect(failures).toEqual([]);
    expect(await everything()).toEqual(before);
  });

  it('refuses __proto__, constructor and prototype as answer keys with 400 naming answers.<key>, and stores no rating', async () => {
    // Prepare: raw JSON text, so that "__proto__" is an own key of the parsed body, as JSON.parse makes it.
    const before = await everything();
    const bodies: [string, string][] = [
      [`{"windowCode":"${WINDOW}","level":5,"answers":{"__proto__":{"q1":"c1"}}}`, 'answers.__proto__'],
      [`{"windowCode":"${WINDOW}","level":5,"answers":{"__proto__":"c1"}}`, 'answers.__proto__'],
      [`{"windowCode":"${WINDOW}","level":5,"answers":{"__proto__":"c1","q1":"c1"}}`, 'answers.__proto__'],
      [`{"windowCode":"${WINDOW}","level":5,"answers":{"constructor":"c1"}}`, 'answers.constructor'],
      [`{"windowCode":"${WINDOW}","level":5,"answers":{"prototype":3}}`, 'answers.prototype'],
    ];

    // Act
    const replies = [];
    for (const [body] of bodies) replies.push(await send('POST', '/api/public/ratings', body, { auth: false }));

    // Assess
    expect(replies.map((reply) => reply.status)).toEqual(bodies.map(() => 400));
    replies.forEach((reply, i) => {
      expect(fieldsOf(reply), reply.text).toContain(bodies[i]![1]);
      expect(reply.json.error.message).toMatch(/^answers\.(__proto__|constructor|prototype): /);
    });
    expect(await everything()).toEqual(before);
  });

  it('still accepts CJK, emoji and a full-width space in the same fields (and a newline in a comment)', async () => {
    // Prepare
    const good = '临江\u3000政务😀';
    const results: string[] = [];
    let n = 100;

    // Act
    for (const target of TARGETS.filter((target) => target.field !== 'username')) {
      n += 1;
      const body = target.body(good, n);
      if (target.field === 'comment') body.comment = `第一行\n第二行\t${good}`;
      const reply = await send(target.method, target.path, JSON.stringify(body), { auth: target.auth ?? true });
      results.push(`${target.name}: ${reply.status < 300 ? 'ok' : `${reply.status} ${reply.text.slice(0, 160)}`}`);
    }

    // Assess
    expect(results).toEqual(TARGETS.filter((target) => target.field !== 'username').map((target) => `${target.name}: ok`));
  });
});
