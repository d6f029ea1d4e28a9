import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { operations } from '../../shared/src/contracts/api.js';
import { routes, type Route } from '../../functions/src/routes.js';
import { A, createWorld, PASSWORD, tableChanges, type World } from './authorization-requests.js';
import { baselineOf, callerOf, FUZZ_ACCOUNT, FUZZ_LOGOUT_ACCOUNT } from '../support/fuzz-baselines.js';
import { answerProblems, basePayload, cursorProbe, describeLone, judge, payloadsOf, send, sweepOf, type OperationSpec, type Payload, type Verdict } from '../support/fuzz-requests.js';
import type { Reply } from './fixtures.js';

/**
 * Issue 11 (Proof): a contract-driven fuzz of EVERY operation of the route table (public and
 * bearer). For each operation, fast-check derives bad requests from the operation's own zod
 * schemas around a VALID baseline request (fuzz-baselines.ts; the matrix's request table for
 * bearer operations): wrong types, missing required fields, extra and prototype keys on strict
 * objects, numbers out of range, over-long strings, bad enum values, bad and malformed path
 * parameters, bad query values, malformed JSON, a wrong Content-Type, arrays for objects, deep
 * nesting, lone surrogates and control characters; for uploads, bad cells and unreadable files.
 * Besides the random ones, every input of an operation gets one very long value (sweepOf).
 * Each is sent by a role that may call the operation (authorization is never what refuses it).
 *
 * The schema's own safeParse decides whether a request is invalid (fuzz-requests.ts `judge`). A
 * request it refuses must get the contract's 4xx (never 2xx, never 5xx) in the usual error shape
 * with an issue naming the bad input (the mutated key, or `body` / `path` for the body or path as a
 * whole), and all of one operation's refused requests together must leave the ops and contacts
 * tables exactly as they were (audit entries for refusals are allowed). A request the schema
 * accepts (some mutations are still valid) must only never get a 5xx; those are sent after the
 * refused ones and may change the tables.
 *
 * Runs: FUZZ_RUNS payloads per operation (default 40), seed FUZZ_SEED (default 11; each operation
 * derives its own from it); FUZZ_VERBOSE=1 prints every request. `npm run fuzz -- --seed random --runs 300`
 * runs more (scripts/fuzz.ts).
 */

const SEED = Number.parseInt(process.env.FUZZ_SEED ?? '11', 10);
const RUNS = Number.parseInt(process.env.FUZZ_RUNS ?? '40', 10);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, not ${process.env.FUZZ_SEED}`);
/** FUZZ_VERBOSE=1: one line per request (payload, verdict, answer). */
const VERBOSE = process.env.FUZZ_VERBOSE === '1';
if (!(RUNS > 0)) throw new Error(`FUZZ_RUNS must be a positive integer, not ${process.env.FUZZ_RUNS}`);

const endpoint = inject('dynamoEndpoint');
const startedAt = performance.now();
let w: World;
const accountTokens = { account: '', logout: '' };
/** The 接入系统 credential of the client routes (POST /api/service-records). */
let clientCredential = '';

interface RouteStats {
  sent: number;
  refused: number;
  valid: number;
  serverErrors: number;
  /** Items of the ops and contacts tables changed by the refused requests. */
  storedByRefused: number;
  statuses: Map<number, number>;
  seconds: number;
}
const stats = new Map<string, RouteStats>();
const categories = new Map<string, number>();
const findings: string[] = [];

/** Each operation's own seed: adding an operation does not change what the others are sent. */
function seedOf(operationId: string): number {
  let hash = 0x811c9dc5;
  for (const char of operationId) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return (SEED ^ hash) | 0;
}

function tokenOf(route: Route): string | undefined {
  const { as } = callerOf(route);
  if (as === 'none') return undefined;
  if (as === 'account' || as === 'logout') return accountTokens[as];
  if (as === 'client') return clientCredential;
  return w.token(as);
}

const clip = (text: string, length = 300) => describeLone(text.length > length ? `${text.slice(0, length)}…` : text);
const label = (payload: Payload) => `${payload.part}.${payload.category} ${payload.key || '(whole body)'} = ${clip(payload.shown, 120)}`;
const answer = (reply: Reply) => `${reply.status} ${clip(reply.text, 260)}`;
/** The request itself, to replay a finding by hand. */
const request = (method: string, payload: Payload) => {
  const query = payload.query ? Object.keys(payload.query).map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(payload.query![key]!.toWellFormed())}`) : [];
  const body = payload.body === undefined ? '' : ` body${payload.base64 ? ' (base64)' : ''} ${clip(JSON.stringify(payload.body.slice(0, 200)))}${payload.body.length > 200 ? `…(${payload.body.length} chars)` : ''}`;
  return `${method} ${clip(payload.path, 160)}${query.length ? `?${clip(query.join('&'), 400)}` : ''}${payload.headers['content-type'] ? ` [${payload.headers['content-type']}]` : ''}${body}`;
};

beforeAll(async () => {
  console.log(`fuzz: seed ${SEED}, ${RUNS} payloads per operation (replay: npm run fuzz -- --seed ${SEED} --runs ${RUNS})`);
  w = await createWorld(endpoint);
  clientCredential = (await w.admin('POST', '/api/integration-clients', { unitId: A, name: '模糊测试接入系统' })).credential;
  // The account of the login baseline and of the caller's own TOTP enrollment, and one that logs out.
  for (const [as, username] of [['account', FUZZ_ACCOUNT], ['logout', FUZZ_LOGOUT_ACCOUNT]] as const) {
    await w.admin('POST', '/api/accounts', { username, displayName: '模糊测试账号', personId: `FZ-${as}`, role: 'committee', unitId: A, password: PASSWORD });
    accountTokens[as] = (await w.t.runtime.tokens.issue({ username, role: 'committee', unitId: A }, new Date())).token;
  }
}, 180_000);

afterAll(() => {
  const rows = routes.map((route) => {
    const s = stats.get(route.operationId);
    if (!s) return `  ${route.operationId.padEnd(26)} not run`;
    const statuses = [...s.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
    return `  ${route.operationId.padEnd(26)} ${String(s.sent).padStart(4)} sent, ${String(s.refused).padStart(3)} refused by schema, ${String(s.valid).padStart(3)} valid | 5xx ${s.serverErrors} | stored by refused ${s.storedByRefused} | ${statuses} | ${s.seconds.toFixed(1)} s`;
  });
  const all = [...stats.values()];
  const total = (pick: (s: RouteStats) => number) => all.reduce((sum, s) => sum + pick(s), 0);
  console.log(
    `fuzz (seed ${SEED}, ${RUNS} per operation): ${all.length}/${routes.length} operations, ${total((s) => s.sent)} requests ` +
      `(${total((s) => s.refused)} refused by schema, ${total((s) => s.valid)} valid), 5xx ${total((s) => s.serverErrors)}, ` +
      `items stored by refused requests ${total((s) => s.storedByRefused)}, ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n${rows.join('\n')}\n` +
      `categories: ${[...categories].sort().map(([name, n]) => `${name} ${n}`).join(', ')}\n` +
      (findings.length ? `findings (${findings.length}):\n${findings.map((line) => `  ${line}`).join('\n')}` : 'no findings'),
  );
  w?.close();
});

describe('contract fuzz of every operation: 4xx naming the field for what the schema refuses, never a 5xx, nothing stored', () => {
  for (const route of routes) {
    it(
      `${route.operationId} (${route.method} ${route.path})`,
      async () => {
        const started = performance.now();
        const baseline = await baselineOf(route, w);
        const matched = w.gateway.match(baseline.method, baseline.path);
        expect(matched?.route.operationId, 'the baseline request reaches this operation').toBe(route.operationId);
        const spec: OperationSpec = { route, operation: operations[route.operationId], baseline, params: matched!.params };
        const baseVerdict = judge(spec, basePayload(spec));
        expect(baseVerdict.valid, `the baseline is valid (${baseVerdict.why})`).toBe(true);

        const token = tokenOf(route);
        // A listing's first page of one item: its cursor is forged too.
        const probe = cursorProbe(spec);
        const probed = probe ? await send(w.gateway, route.method, probe, token) : undefined;
        const cursor = probed?.json?.cursor as string | undefined;
        if (VERBOSE && probed) console.log(`${route.operationId} | cursor probe | ${answer(probed).slice(0, 200)}`);
        const payloads = [...sweepOf(spec, cursor), ...fc.sample(payloadsOf(spec, cursor), { seed: seedOf(route.operationId), numRuns: RUNS })];
        const judged = payloads.map((payload) => ({ payload, verdict: judge(spec, payload) }));
        const s: RouteStats = { sent: 0, refused: 0, valid: 0, serverErrors: 0, storedByRefused: 0, statuses: new Map(), seconds: 0 };
        stats.set(route.operationId, s);
        const problems: string[] = [];
        const report = (line: string) => {
          problems.push(line);
          findings.push(`${route.operationId} | ${line}`);
        };

        const sendOne = async ({ payload, verdict }: { payload: Payload; verdict: Verdict }) => {
          const name = `${payload.part}.${payload.category}`;
          categories.set(name, (categories.get(name) ?? 0) + 1);
          s.sent++;
          if (verdict.valid) s.valid++;
          else s.refused++;
          let routed: string | undefined;
          try {
            routed = w.gateway.match(route.method, payload.path)?.route.operationId;
          } catch {
            routed = route.operationId; // malformed percent-encoding: the gateway answers it itself
          }
          if (routed !== route.operationId) {
            report(`${label(payload)} | reached ${routed ?? 'no route'} instead (generator bug)`);
            return;
          }
          const reply = await send(w.gateway, route.method, payload, token);
          s.statuses.set(reply.status, (s.statuses.get(reply.status) ?? 0) + 1);
          if (reply.status >= 500) s.serverErrors++;
          const wrong = answerProblems(verdict, reply);
          if (VERBOSE) console.log(`${route.operationId} | ${label(payload)} | ${verdict.valid ? 'valid' : `refused: ${verdict.why}`} | ${answer(reply).slice(0, 160)}`);
          if (wrong.length) {
            report(`${label(payload)} | ${verdict.valid ? 'valid' : `refused by schema: ${verdict.why}`} | ${wrong.join('; ')} | got ${answer(reply)} | request ${request(route.method, payload)}`);
          }
        };

        // The requests the schema refuses first: together they must change nothing.
        const refused = judged.filter((j) => !j.verdict.valid);
        const before = await w.snapshot();
        for (const j of refused) await sendOne(j);
        const changes = tableChanges(before, await w.snapshot());
        s.storedByRefused = changes.length;
        if (changes.length) {
          // Which of them: again, one at a time.
          for (const j of refused) {
            const itemsBefore = await w.snapshot();
            await send(w.gateway, route.method, j.payload, token);
            const own = tableChanges(itemsBefore, await w.snapshot());
            if (own.length) report(`${label(j.payload)} | refused by schema (${j.verdict.valid ? '' : j.verdict.why}) yet changed ${own.length} items: ${own.slice(0, 4).join(', ')}`);
          }
          report(`the refused requests changed ${changes.length} items of the ops and contacts tables: ${changes.slice(0, 6).join(', ')}`);
        }

        // Then what the schema accepts: never a 5xx.
        for (const j of judged.filter((candidate) => candidate.verdict.valid)) await sendOne(j);

        s.seconds = (performance.now() - started) / 1000;
        expect(problems).toEqual([]);
      },
      Math.max(120_000, RUNS * 3_000),
    );
  }
});

describe('fuzz coverage', () => {
  it('sent every operation of the route table its payloads, and every kind of defect', () => {
    const short = routes.filter((route) => (stats.get(route.operationId)?.sent ?? 0) < RUNS).map((route) => route.operationId);
    expect(short, 'operations not fuzzed').toEqual([]);
    if (RUNS < 30) return;
    const kinds = [
      'params.malformed-percent',
      'params.very-long-path',
      'params.bad-format',
      'params.lone-surrogate',
      'query.bad-enum',
      'query.out-of-range',
      'query.wrong-type',
      'query.extra-key',
      'query.prototype-key',
      'query.missing-required',
      'query.over-long',
      'query.forged-cursor',
      'query.sweep-cursor',
      'body.wrong-type',
      'body.missing-required',
      'body.extra-key',
      'body.prototype-key',
      'body.out-of-range',
      'body.over-long',
      'body.bad-enum',
      'body.bad-format',
      'body.lone-surrogate',
      'body.control-char',
      'body.unicode',
      'body.array-for-object',
      'body.deep-nesting',
      'body.malformed-json',
      'body.content-type',
      'body.not-an-object',
      'body.over-16kb',
      'body.bad-utf8',
      'body.empty-body',
      'headers.bad-format',
      'raw.bad-image',
      'raw.not-csv',
      'raw.over-long',
      'ignored.ignored-query',
      'ignored.ignored-body',
    ];
    expect(kinds.filter((kind) => !categories.has(kind)), 'kinds of defect never generated').toEqual([]);
  });
});
