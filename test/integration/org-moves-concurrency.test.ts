import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { createUnitStore, type UnitRecord } from '../../functions/src/data/units.js';
import { createWindowStore } from '../../functions/src/data/windows.js';
import { setRuntime } from '../../functions/src/runtime.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, mulberry32, scanTable, withConcurrency, type Reply } from './fixtures.js';

/**
 * Moving units (单位) under concurrency and crashes (issue 11, finding 3.9), through the real
 * handlers and DynamoDB Local. After every scenario one invariant checker scans the ops table,
 * rebuilds the tree from `parentId` alone and compares every stored unit path and window
 * `unitPath` (and their index keys) with it: no unit may be its own ancestor, nothing may be left
 * under a path that no longer exists.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'mover.admin', role: 'system-admin', unitId: 'mv' };
let token = '';

function as(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
  return call(
    gateway,
    httpEvent(method, path, {
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? jsonHeaders : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );
}
const move = (unitId: string, parentId: string | null) => as('POST', `/api/org/units/${unitId}/move`, { parentId });
const create = (id: string, parentId: string | null) => as('POST', '/api/org/units', { id, name: `单位 ${id}`, parentId });
const field = (reply: Reply): string | undefined => reply.json?.error?.issues?.[0]?.field;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Put a unit straight into the table (setup only), at the path its parent has now. */
async function seedUnit(id: string, parentId: string | null): Promise<string[]> {
  const parentPath = parentId === null ? [] : (await t.runtime.units.get(parentId))!.path;
  const path = [...parentPath, id];
  await t.runtime.units.put({ id, name: `单位 ${id}`, parentId, path });
  return path;
}

async function seedWindow(code: string, unitId: string, unitPath: string[]): Promise<void> {
  await t.runtime.windows.put({
    code,
    unitId,
    hallId: '',
    name: `窗口 ${code}`,
    active: true,
    staffOnDutyIds: [],
    surveyId: NATIONAL_SURVEY.surveyId,
    surveyVersion: NATIONAL_SURVEY.version,
    unitPath,
  });
}

/**
 * A subtree under `parentId`: `root` plus `units` more units hanging from random earlier ones and
 * `windows` windows at random units of it (seeded). Returns the ids, parents before children.
 */
async function seedSubtree(root: string, parentId: string, size: { units: number; windows: number }, seed: number): Promise<string[]> {
  const random = mulberry32(seed);
  const paths = new Map([[root, await seedUnit(root, parentId)]]);
  const units: UnitRecord[] = [];
  const ids = [root];
  for (let i = 0; i < size.units; i++) {
    const id = `${root}-${i}`;
    const parent = ids[Math.floor(random() * ids.length)]!;
    const path = [...paths.get(parent)!, id];
    units.push({ id, name: `单位 ${id}`, parentId: parent, path });
    paths.set(id, path);
    ids.push(id);
  }
  const windows = Array.from({ length: size.windows }, (_, i) => ids[Math.floor(random() * ids.length)]!);
  await withConcurrency(units, 16, (unit) => t.runtime.units.put(unit));
  await withConcurrency(windows, 16, (unit, i) => seedWindow(`${root}w${i}`, unit, paths.get(unit)!));
  return ids;
}

/** Attributes a move may leave on a unit while it runs; none may outlive the move. */
const MOVE_MARKERS = ['movingTo', 'pinnedBy'];

/**
 * The invariant checker: scan the ops table, rebuild every unit's path from `parentId` alone and
 * compare it with the stored `path` (and `treeKey`, `subtreeKey`, `parentKey`), and every window's
 * `unitPath` (and its keys) with its unit's rebuilt path. `settled`: no move may be under way
 * either (no move marker left on any unit).
 */
async function treeProblems(options: { settled?: boolean } = {}): Promise<string[]> {
  const items = await scanTable(t.doc, t.tables.ops);
  const units = new Map(items.filter((item) => item.kind === 'unit').map((item) => [String(item.id), item]));
  const problems: string[] = [];
  const rebuilt = new Map<string, string[] | undefined>();
  const pathOf = (id: string): string[] | undefined => {
    if (rebuilt.has(id)) return rebuilt.get(id);
    const chain: string[] = [];
    let current: string | null = id;
    while (current !== null) {
      if (chain.includes(current)) {
        problems.push(`cycle: ${[...chain, current].join(' → ')}`);
        rebuilt.set(id, undefined);
        return undefined;
      }
      chain.push(current);
      const unit = units.get(current);
      if (!unit) {
        problems.push(`unit ${id}: ancestor ${current} does not exist`);
        rebuilt.set(id, undefined);
        return undefined;
      }
      current = (unit.parentId as string | null | undefined) ?? null;
    }
    const path = chain.reverse();
    rebuilt.set(id, path);
    return path;
  };
  for (const [id, unit] of units) {
    const path = pathOf(id);
    if (!path) continue;
    const stored = unit.path as string[];
    if (stored.join('/') !== path.join('/')) problems.push(`unit ${id}: path ${stored.join('/')}, its parents say ${path.join('/')}`);
    if (unit.treeKey !== keys.treeKey(path[0]!)) problems.push(`unit ${id}: treeKey ${String(unit.treeKey)}`);
    if (unit.subtreeKey !== keys.unitSubtreeKey(path)) problems.push(`unit ${id}: subtreeKey ${String(unit.subtreeKey)}, expected ${keys.unitSubtreeKey(path)}`);
    if (unit.parentKey !== keys.parentKey((unit.parentId as string | null | undefined) ?? null)) problems.push(`unit ${id}: parentKey ${String(unit.parentKey)}`);
    if (options.settled) for (const marker of MOVE_MARKERS) if (unit[marker] !== undefined) problems.push(`unit ${id}: ${marker} left behind (${JSON.stringify(unit[marker])})`);
  }
  for (const window of items.filter((item) => item.kind === 'window')) {
    const code = String(window.code);
    const path = pathOf(String(window.unitId));
    if (!path) {
      problems.push(`window ${code}: unit ${String(window.unitId)} has no path`);
      continue;
    }
    const stored = window.unitPath as string[];
    if (stored.join('/') !== path.join('/')) problems.push(`window ${code}: unitPath ${stored.join('/')}, its unit is at ${path.join('/')}`);
    if (window.treeKey !== keys.treeKey(path[0]!)) problems.push(`window ${code}: treeKey ${String(window.treeKey)}`);
    if (window.subtreeKey !== keys.windowSubtreeKey(path, code)) problems.push(`window ${code}: subtreeKey ${String(window.subtreeKey)}`);
  }
  return problems;
}

/** Fresh tables per describe block, so that what one scenario leaves behind never shows in another's check. */
function freshTables() {
  beforeAll(async () => {
    t = await isolatedTables(endpoint);
    t.install();
    token = (await t.runtime.tokens.issue(ADMIN, new Date())).token;
    await seedUnit('mv', null);
    await seedUnit('mv2', null);
  });
  afterAll(() => t?.close());
}

describe('two crossing moves at once (A under B while B moves under A)', () => {
  freshTables();

  it('never applies both: no cycle, every path follows its parents, the loser gets a 409 naming the field', async () => {
    // Prepare: 20 fresh pairs of sibling subtrees, each with a child and a window.
    const rounds = 20;
    const sides = Array.from({ length: rounds }, (_, i) => [`x${i}a`, `x${i}b`]).flat();
    await withConcurrency(sides, 16, async (id) => {
      await t.runtime.units.put({ id, name: `单位 ${id}`, parentId: 'mv', path: ['mv', id] });
      await t.runtime.units.put({ id: `${id}-c`, name: `单位 ${id}-c`, parentId: id, path: ['mv', id, `${id}-c`] });
      await seedWindow(`${id}w`, `${id}-c`, ['mv', id, `${id}-c`]);
    });

    // Act
    // Act: four pairs at a time (they also contend for the root they share).
    const outcomes = await withConcurrency(Array.from({ length: rounds }, (_, i) => i), 4, async (round) => ({
      round,
      replies: await Promise.all([move(`x${round}a`, `x${round}b`), move(`x${round}b`, `x${round}a`)]),
    }));

    // Assess
    const problems = await treeProblems({ settled: true });
    expect(problems).toEqual([]);
    for (const { round, replies } of outcomes) {
      const summary = `round ${round}: ${replies.map((reply) => `${reply.status} ${reply.text.slice(0, 160)}`).join(' | ')}`;
      expect(replies.filter((reply) => reply.status === 200).length, summary).toBeLessThanOrEqual(1);
      for (const reply of replies.filter((r) => r.status !== 200)) {
        // 409 when the moves met; 400 when one saw the other already done (B now under A).
        expect([409, 400], summary).toContain(reply.status);
        expect(['parentId', 'unitId'], summary).toContain(field(reply));
      }
    }
  });

  it('three moves around a triangle (A under B, B under C, C under A) never close a cycle', async () => {
    for (let i = 0; i < 8; i++) {
      for (const side of ['a', 'b', 'c']) await seedUnit(`tri${i}${side}`, 'mv');
      const replies = await Promise.all([move(`tri${i}a`, `tri${i}b`), move(`tri${i}b`, `tri${i}c`), move(`tri${i}c`, `tri${i}a`)]);
      const summary = replies.map((reply) => `${reply.status} ${reply.text.slice(0, 120)}`).join(' | ');
      expect(replies.filter((reply) => reply.status === 200).length, summary).toBeLessThanOrEqual(2);
      for (const reply of replies.filter((r) => r.status !== 200)) expect([409, 400], summary).toContain(reply.status);
    }
    expect(await treeProblems({ settled: true })).toEqual([]);
  });
});

describe('the same move sent twice at once', () => {
  freshTables();

  it('is applied once: both answer 200 (or the late one 409), and the tree is whole', async () => {
    for (let i = 0; i < 5; i++) {
      await seedUnit(`twin${i}-to`, 'mv2');
      await seedSubtree(`twin${i}`, 'mv', { units: 6, windows: 4 }, 300 + i);
      const replies = await Promise.all([move(`twin${i}`, `twin${i}-to`), move(`twin${i}`, `twin${i}-to`)]);
      const summary = replies.map((reply) => `${reply.status} ${reply.text.slice(0, 160)}`).join(' | ');
      expect(replies.some((reply) => reply.status === 200), summary).toBe(true);
      for (const reply of replies) expect([200, 409], summary).toContain(reply.status);
      expect((await t.runtime.units.get(`twin${i}`))?.path).toEqual(['mv2', `twin${i}-to`, `twin${i}`]);
    }
    expect(await treeProblems({ settled: true })).toEqual([]);
  });
});

describe('a unit created under a unit that is being moved', () => {
  freshTables();

  it('gets the path it has after the move, or is refused with a 409 naming parentId; never a stranded path', async () => {
    // Prepare: per round a destination and a subtree of 4–8 units with a few windows (seeded).
    const rounds = 20;
    const random = mulberry32(0x3b9);
    const plans: { moving: string; destination: string; parent: string; before: string[]; created: string; delay: number }[] = [];
    for (let i = 0; i < rounds; i++) {
      const destination = `dst${i}`;
      await seedUnit(destination, i % 2 === 0 ? 'mv' : 'mv2');
      const ids = await seedSubtree(`sub${i}`, 'mv', { units: 3 + Math.floor(random() * 5), windows: 3 }, 100 + i);
      const parent = ids[Math.floor(random() * ids.length)]!;
      const before = (await t.runtime.units.get(parent))!.path;
      plans.push({ moving: ids[0]!, destination, parent, before, created: `new${i}`, delay: Math.floor(random() * 25) });
    }

    // Act: the move and, a little later (0–24 ms, seeded), a create under a unit of the subtree.
    const results: { plan: (typeof plans)[number]; moved: Reply; created: Reply }[] = [];
    for (const plan of plans) {
      const [moved, created] = await Promise.all([move(plan.moving, plan.destination), sleep(plan.delay).then(() => create(plan.created, plan.parent))]);
      results.push({ plan, moved, created });
    }

    // Assess
    expect(await treeProblems({ settled: true })).toEqual([]);
    for (const { plan, moved, created } of results) {
      const summary = `${JSON.stringify(plan)}: move ${moved.status} ${moved.text.slice(0, 120)}; create ${created.status} ${created.text.slice(0, 160)}`;
      expect([200, 409], summary).toContain(moved.status);
      const parent = (await t.runtime.units.get(plan.parent))!;
      if (created.status === 201) {
        // Stored: the path after the move. The reply may show the path it had when created, just before the move.
        expect((await t.runtime.units.get(plan.created))?.path, summary).toEqual([...parent.path, plan.created]);
        expect([[...parent.path, plan.created], [...plan.before, plan.created]], summary).toContainEqual(created.json.path);
      } else {
        expect(created.status, summary).toBe(409);
        expect(field(created), summary).toBe('parentId');
        expect(await t.runtime.units.get(plan.created), summary).toBeUndefined();
      }
      if (moved.status === 200) expect(parent.path.slice(0, -1).includes(plan.destination) || parent.id === plan.moving, summary).toBe(true);
    }
  });
});

describe('a window created in a unit that is being moved', () => {
  freshTables();

  it('gets its unit\'s path after the move, or is refused with a 409 naming unitId; never a stranded path', async () => {
    // Prepare: per round a destination and a subtree of 3–7 units (seeded).
    const rounds = 20;
    const random = mulberry32(0x51d);
    const plans: { moving: string; destination: string; unit: string; delay: number }[] = [];
    for (let i = 0; i < rounds; i++) {
      const destination = `wdst${i}`;
      await seedUnit(destination, i % 2 === 0 ? 'mv' : 'mv2');
      const ids = await seedSubtree(`wsub${i}`, 'mv', { units: 2 + Math.floor(random() * 5), windows: 2 }, 300 + i);
      plans.push({ moving: ids[0]!, destination, unit: ids[Math.floor(random() * ids.length)]!, delay: Math.floor(random() * 25) });
    }

    // Act: the move and, a little later (0–24 ms, seeded), a new window in a unit of the subtree.
    const results: { plan: (typeof plans)[number]; moved: Reply; created: Reply }[] = [];
    for (const plan of plans) {
      const [moved, created] = await Promise.all([move(plan.moving, plan.destination), sleep(plan.delay).then(() => as('POST', `/api/org/units/${plan.unit}/windows`, { name: '并发窗口' }))]);
      results.push({ plan, moved, created });
    }

    // Assess: the checker compares every window's unitPath with its unit's path.
    expect(await treeProblems({ settled: true })).toEqual([]);
    for (const { plan, moved, created } of results) {
      const summary = `${JSON.stringify(plan)}: move ${moved.status} ${moved.text.slice(0, 120)}; window ${created.status} ${created.text.slice(0, 160)}`;
      expect([200, 409], summary).toContain(moved.status);
      expect([201, 409], summary).toContain(created.status);
      if (created.status === 409) expect(field(created), summary).toBe('unitId');
    }
  });

  it('refuses a window whose write lands after the move has finished (its unit was read before): 409 naming unitId, nothing stranded', async () => {
    // Prepare: window writes held back 400 ms after the use case has read the unit's path.
    await seedUnit('late-from', 'mv');
    await seedUnit('late-to', 'mv2');
    const [moving] = await seedSubtree('late-sub', 'late-from', { units: 2, windows: 1 }, 999);
    const slow: DynamoDBDocumentClient = {
      send: async (command: { constructor: { name: string } }) => {
        if (/^(Put|TransactWrite)Command$/.test(command.constructor.name)) await sleep(400);
        return t.doc.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    setRuntime({ ...t.runtime, windows: createWindowStore(slow, t.tables.ops) });

    // Act: the window is asked for first; the move runs (and ends) while its write waits.
    try {
      const created = as('POST', `/api/org/units/${moving}/windows`, { name: '迟到的窗口' });
      await sleep(100);
      const moved = await move(moving!, 'late-to');
      const reply = await created;

      // Assess
      expect(moved.status).toBe(200);
      expect(reply.status, reply.text).toBe(409);
      expect(field(reply)).toBe('unitId');
    } finally {
      t.install();
    }
    expect(await treeProblems({ settled: true })).toEqual([]);
  });
});

/** A document client that dies (throws, as a crashed Lambda would stop) before its `crashAt`-th write. */
function crashingClient(doc: DynamoDBDocumentClient, crashAt: number): { client: DynamoDBDocumentClient; writes: () => number } {
  let writes = 0;
  const client = {
    send(command: { constructor: { name: string } }) {
      if (/^(Put|Update|Delete|TransactWrite|BatchWrite)Command$/.test(command.constructor.name) && ++writes >= crashAt) {
        return Promise.reject(new Error(`injected crash before write ${writes}`));
      }
      return doc.send(command as never);
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, writes: () => writes };
}

/** A document client whose TransactWrite is cancelled by a (simulated) conflicting transaction the first `times` times. */
function conflictingClient(doc: DynamoDBDocumentClient, times: number): DynamoDBDocumentClient {
  let left = times;
  const client = {
    send(command: { constructor: { name: string }; input?: { TransactItems?: unknown[] } }) {
      if (command.constructor.name === 'TransactWriteCommand' && left-- > 0) {
        const reasons = (command.input?.TransactItems ?? []).map((_, i) => ({ Code: i === 0 ? 'TransactionConflict' : 'None' }));
        return Promise.reject(new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons }));
      }
      return doc.send(command as never);
    },
  };
  return client as unknown as DynamoDBDocumentClient;
}

describe('transactions cancelled by a conflicting transaction', () => {
  freshTables();

  it('are retried; a conflict that does not go away is a 409, with nothing written', async () => {
    // Prepare (DynamoDB Local runs transactions one at a time and never reports a conflict)
    for (const id of ['cf-a', 'cf-b', 'cf-c']) await seedUnit(id, 'mv');

    // Act
    setRuntime({ ...t.runtime, units: createUnitStore(conflictingClient(t.doc, 2), t.tables.ops) });
    const moved = await move('cf-a', 'cf-b');
    const created = await create('cf-new', 'cf-a');
    setRuntime({ ...t.runtime, units: createUnitStore(conflictingClient(t.doc, 100), t.tables.ops) });
    const stuckMove = await move('cf-c', 'cf-b');
    const stuckCreate = await create('cf-new2', 'cf-c');
    t.install();

    // Assess
    expect(moved.status, moved.text).toBe(200);
    expect(created.status, created.text).toBe(201);
    expect(created.json.path).toEqual(['mv', 'cf-b', 'cf-a', 'cf-new']);
    expect(stuckMove.status, stuckMove.text).toBe(409);
    expect(field(stuckMove)).toBe('unitId');
    expect(stuckCreate.status, stuckCreate.text).toBe(409);
    expect(field(stuckCreate)).toBe('parentId');
    expect(await t.runtime.units.get('cf-new2')).toBeUndefined();
    expect((await t.runtime.units.get('cf-c'))?.path).toEqual(['mv', 'cf-c']);
    expect(await treeProblems({ settled: true })).toEqual([]);
  });
});

describe('a move of more than 100 items interrupted between its transactions', () => {
  freshTables();

  // 40 units and 100 windows below the moving unit: the rewrite takes two transactions. The move
  // writes: claim, rewrite 1, rewrite 2, release. Crash before the 2nd, 3rd and 4th write.
  for (const crashAt of [2, 3, 4]) {
    it(`holds the subtree while interrupted (crash before write ${crashAt}), and repeating the move finishes it cleanly`, async () => {
      // Prepare
      const root = `big${crashAt}`;
      await seedUnit(`${root}-from`, 'mv');
      await seedUnit(`${root}-to`, 'mv2');
      await seedUnit(`${root}-else`, 'mv');
      const ids = await seedSubtree(root, `${root}-from`, { units: 40, windows: 100 }, 7000 + crashAt);
      const descendant = ids[ids.length - 1]!;

      // Act 1: the move crashes.
      const crashing = crashingClient(t.doc, crashAt);
      setRuntime({ ...t.runtime, units: createUnitStore(crashing.client, t.tables.ops) });
      const crashed = await move(root, `${root}-to`);
      t.install();

      // Assess: while interrupted, the subtree, its old ancestors and its destination hold still.
      expect(crashed.status).toBe(500);
      const claimed = await t.doc.send(new GetCommand({ TableName: t.tables.ops, Key: keys.unit(root) }));
      expect.soft(claimed.Item?.movingTo, 'the claim stays on the unit').toBe(`${root}-to`);
      const elsewhere = await move(root, `${root}-else`);
      expect.soft(elsewhere.status, `a different move of the unit: ${elsewhere.text}`).toBe(409);
      expect.soft(field(elsewhere)).toBe('unitId');
      const inner = await move(descendant, `${root}-else`);
      expect.soft(inner.status, `a move of a unit inside the moving subtree: ${inner.text}`).toBe(409);
      expect.soft(field(inner)).toBe('unitId');
      const outer = await move(`${root}-from`, 'mv2');
      expect.soft(outer.status, `a move of the old parent: ${outer.text}`).toBe(409);
      const target = await move(`${root}-to`, `${root}-else`);
      expect.soft(target.status, `a move of the destination: ${target.text}`).toBe(409);
      const intoSubtree = await move(`${root}-else`, descendant);
      expect.soft(intoSubtree.status, `a move into the moving subtree: ${intoSubtree.text}`).toBe(409);
      expect.soft(field(intoSubtree)).toBe('parentId');
      const created = await create(`${root}-late`, descendant);
      expect.soft(created.status, `a create inside the moving subtree: ${created.text}`).toBe(409);
      expect.soft(field(created)).toBe('parentId');
      const renamed = await as('POST', `/api/org/units/${descendant}/rename`, { name: '改名不动' });
      expect.soft(renamed.status, 'a rename touches no path and goes through').toBe(200);
      expect.soft((await as('GET', `/api/org/units/${root}`)).status, 'the unit can be read').toBe(200);

      // Act 2: the documented recovery: repeat the same move.
      const resumed = await move(root, `${root}-to`);

      // Assess
      expect(resumed.status, resumed.text).toBe(200);
      expect(resumed.json.unit.path).toEqual(['mv2', `${root}-to`, root]);
      expect(await treeProblems({ settled: true })).toEqual([]);
      const windows = await t.runtime.windows.listSubtree(['mv2', `${root}-to`, root], { limit: 500 });
      expect(windows.items).toHaveLength(100);
      expect((await t.runtime.windows.listSubtree(['mv', `${root}-from`], { limit: 500 })).items).toEqual([]);
      const units = await t.runtime.units.subtree(['mv2', `${root}-to`, root], { limit: 500, includeArchived: true });
      expect(units.items).toHaveLength(41);
      // Nothing is held any more: the subtree moves again, and so do its old parent and destination.
      expect((await move(root, `${root}-else`)).status).toBe(200);
      expect((await move(`${root}-to`, 'mv')).status).toBe(200);
      expect((await move(`${root}-from`, 'mv2')).status).toBe(200);
      expect(await treeProblems({ settled: true })).toEqual([]);
    });
  }
});
