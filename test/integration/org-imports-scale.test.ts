import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import type { ImportJobStore } from '../../functions/src/data/import-jobs.js';
import { keys } from '../../functions/src/data/keys.js';
import { applyStaffImport, previewStaffImport, staffJobId, type ImportDeps, type Upload } from '../../functions/src/use-cases/org/imports.js';
import { createStaff } from '../../functions/src/use-cases/org/staff.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, queryPartition, scanTable, type Reply } from './fixtures.js';
import { createHash } from 'node:crypto';

/**
 * Staff imports at scale (issue 3): 5,000 rows land completely or not at all. Files above 50 rows
 * are written by an import job in many transactions; nothing is visible before its one commit
 * point. Faults are injected by wrapping the real job store (DynamoDB Local underneath).
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
let adminToken: string;

const ADMIN: Principal = { username: 'scale.admin', role: 'system-admin', unitId: 'sc' };
const OTHER_ADMIN: Principal = { username: 'scale.other', role: 'system-admin', unitId: 'sc' };
const UNITS = Array.from({ length: 10 }, (_, i) => `sc-u${i}`);
const HEADER = '姓名,工号,所属单位编码,岗位,职责,服务承诺,是否党员';
const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许';

/** A staff file: row i (0-based) is 工号 {prefix}{i} in unit i mod 10, fully deterministic. */
function staffCsv(prefix: string, count: number, edit: (i: number, cells: string[]) => string[] = (_, cells) => cells): string {
  const lines = [HEADER];
  for (let i = 0; i < count; i++) {
    const cells = [`${SURNAMES[i % 20]}${'静磊芳强'[i % 4]}${i}`, `${prefix}${String(i).padStart(5, '0')}`, UNITS[i % 10]!, '综合受理员', '一窗受理', '首问负责，一次告知。', i % 3 === 0 ? '是' : '否'];
    lines.push(edit(i, cells).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function uploadOf(bytes: Buffer): Upload {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(bytes), isBase64Encoded: false };
  } catch {
    return { body: bytes.toString('base64'), isBase64Encoded: true };
  }
}

function post(path: string, bytes: Buffer): Promise<Reply> {
  const { body, isBase64Encoded } = uploadOf(bytes);
  return call(gateway, httpEvent('POST', path, { body: body!, isBase64Encoded, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' } }));
}

/** Staff of the test units as every reader sees them (through the data layer, page by page). */
async function listedStaff(): Promise<{ staffNo: string; id: string }[]> {
  const all: { staffNo: string; id: string }[] = [];
  for (const unitId of UNITS) {
    let cursor: string | undefined;
    do {
      const page = await t.runtime.staff.listUnit(unitId, { limit: 500, cursor });
      all.push(...page.items.map((s) => ({ staffNo: s.staffNo, id: s.id })));
      cursor = page.cursor;
    } while (cursor);
  }
  return all;
}

/** What the table really holds: listing items of the test units, straight from DynamoDB. */
async function storedListings(): Promise<Record<string, unknown>[]> {
  const items = await Promise.all(UNITS.map((unitId) => queryPartition(t.doc, t.tables.ops, keys.staffListingPartition(unitId))));
  return items.flat();
}

const withPrefix =
  (prefix: string) =>
  <T extends { staffNo?: unknown }>(items: T[]): T[] =>
    items.filter((item) => String(item.staffNo).startsWith(prefix));

/** The real store, with a fault before the n-th batch write (counted from 1). */
function faulty(store: ImportJobStore, beforeBatch: number, fault: () => Promise<void>): ImportJobStore {
  let calls = 0;
  return {
    ...store,
    async writeBatch(jobId, batch) {
      calls++;
      if (calls === beforeBatch) await fault();
      return store.writeBatch(jobId, batch);
    },
  };
}

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  adminToken = (await t.runtime.tokens.issue(ADMIN, new Date())).token;
  await t.runtime.units.put({ id: 'sc', name: '省级测试单位', parentId: null, path: ['sc'] });
  for (const id of UNITS) await t.runtime.units.put({ id, name: `测试部门${id}`, parentId: 'sc', path: ['sc', id] });
});

afterAll(() => t?.close());

describe('staff import of 5,000 rows', () => {
  it('lands a UTF-8 file completely, visible through every reader, in one job', async () => {
    // Prepare
    const csv = Buffer.from(staffCsv('U', 5_000), 'utf8');

    // Act
    const preview = await post('/api/org/staff-imports/preview', csv);
    const nothingYet = withPrefix('U')(await storedListings());
    const applied = await post('/api/org/staff-imports/apply', csv);

    // Assess
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ kind: 'staff', encoding: 'utf-8', rowCount: 5_000, invalidRows: 0, valid: true, maxRows: 5_000 });
    expect(preview.json.rows).toHaveLength(50);
    expect(nothingYet).toEqual([]);
    expect(applied.status).toBe(201);
    expect(applied.json).toMatchObject({ kind: 'staff', created: 5_000, batches: Math.ceil(5_000 / 49) });
    const listed = withPrefix('U')(await listedStaff());
    expect(listed).toHaveLength(5_000);
    expect(new Set(listed.map((s) => s.staffNo)).size).toBe(5_000);
    const sample = await t.runtime.staff.get(listed[1234]!.id);
    expect(sample).toMatchObject({ staffNo: listed[1234]!.staffNo });
    expect(sample).not.toHaveProperty('importJob');
    expect((await t.runtime.importJobs.get(applied.json.jobId))?.state).toBe('committed');
  });

  it('lands a GBK file (as Chinese Excel and WPS save it) completely', async () => {
    const gbk = iconv.encode(staffCsv('G', 5_000), 'gbk');
    const applied = await post('/api/org/staff-imports/apply', gbk);
    expect(applied.status).toBe(201);
    expect(applied.json.created).toBe(5_000);
    const listed = withPrefix('G')(await listedStaff());
    expect(listed).toHaveLength(5_000);
    const one = await t.runtime.staff.get(listed.find((s) => s.staffNo === 'G00007')!.id);
    expect(one?.name).toBe('王强7');
  });

  it('answers the same file sent again with the same result and writes nothing twice', async () => {
    const csv = Buffer.from(staffCsv('U', 5_000), 'utf8');
    const again = await post('/api/org/staff-imports/apply', csv);
    const preview = await post('/api/org/staff-imports/preview', csv);
    expect(again.status).toBe(201);
    expect(again.json).toMatchObject({ created: 5_000, batches: 0 });
    // A preview tells the truth: every 工号 of the file is now used.
    expect(preview.json).toMatchObject({ valid: false, invalidRows: 5_000 });
    expect(withPrefix('U')(await storedListings())).toHaveLength(5_000);
  });

  it('writes nothing when rows are bad and lists every bad row with its reason', async () => {
    // Prepare: row 101 has no name, row 2,502 repeats 工号 of row 2, row 4,001 names an unknown
    // unit, row 5,001 a 工号 already used (U00005 in sc-u5, imported above).
    const csv = staffCsv('B', 5_000, (i, cells) => {
      if (i === 99) return ['', ...cells.slice(1)];
      if (i === 2_500) return [cells[0]!, 'B00000', UNITS[0]!, ...cells.slice(3)];
      if (i === 3_999) return [...cells.slice(0, 2), 'sc-nowhere', ...cells.slice(3)];
      if (i === 4_999) return [cells[0]!, 'U00005', 'sc-u5', ...cells.slice(3)];
      return cells;
    });

    // Act
    const applied = await post('/api/org/staff-imports/apply', Buffer.from(csv));
    const preview = await post('/api/org/staff-imports/preview', Buffer.from(csv));

    // Assess
    expect(applied.status).toBe(400);
    expect(applied.json.error.issues.map((issue: { field: string }) => issue.field)).toEqual([
      'rows.101.name',
      'rows.2502.staffNo',
      'rows.4001.unitId',
      'rows.5001.staffNo',
    ]);
    expect(applied.json.error.issues[1].message).toMatch(/repeats row 2/);
    expect(applied.json.error.issues[3].message).toMatch(/already used/);
    expect(withPrefix('B')(await storedListings())).toEqual([]);
    expect(preview.json).toMatchObject({ rowCount: 5_000, invalidRows: 4, valid: false });
    expect(preview.json.rows.filter((row: { errors: unknown[] }) => row.errors.length > 0).map((row: { line: number }) => row.line)).toEqual([101, 2502, 4001, 5001]);
  });

  it('refuses a file over 5,000 rows naming the file, before reading any data', async () => {
    const reply = await post('/api/org/staff-imports/apply', Buffer.from(staffCsv('X', 5_001)));
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues).toEqual([{ field: 'file', message: 'file: has 5001 rows; at most 5000 per import, split the file' }]);
    expect(withPrefix('X')(await storedListings())).toEqual([]);
  });

  it('refuses a file over 3 MiB naming the file', async () => {
    const big = Buffer.from(`${HEADER}\r\n${'x'.repeat(3 * 1024 * 1024)}\r\n`);
    const reply = await post('/api/org/staff-imports/preview', big);
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues[0].field).toBe('file');
  });
});

describe('staff import job faults', () => {
  it('leaves nothing visible after a crash between batches, and a retry completes exactly once', async () => {
    // Prepare: the process "dies" before the 15th of 25 batches.
    const csv = Buffer.from(staffCsv('C', 1_200));
    const crashing: ImportDeps = { ...t.runtime, importJobs: faulty(t.runtime.importJobs, 15, async () => Promise.reject(new Error('Lambda timed out'))) };

    // Act
    const crashed = await applyStaffImport(crashing, ADMIN, uploadOf(csv)).catch((error: Error) => error);
    const storedAfterCrash = withPrefix('C')(await storedListings());
    const visibleAfterCrash = withPrefix('C')(await listedStaff());
    const writtenRecord = storedAfterCrash[0]!;
    const byIdAfterCrash = await t.runtime.staff.get(String(writtenRecord.id));
    const previewAfterCrash = await previewStaffImport(t.runtime, ADMIN, uploadOf(csv));
    const retried = await applyStaffImport(t.runtime, ADMIN, uploadOf(csv));

    // Assess: before the commit point, written rows existed but nobody could see them
    expect(crashed).toBeInstanceOf(Error);
    expect((crashed as Error).message).toBe('Lambda timed out');
    expect(storedAfterCrash.length).toBeGreaterThan(0);
    expect(storedAfterCrash.length).toBeLessThan(1_200);
    expect(storedAfterCrash.every((item) => typeof item.importJob === 'string')).toBe(true);
    expect(visibleAfterCrash).toEqual([]);
    expect(byIdAfterCrash).toBeUndefined();
    expect(previewAfterCrash).toMatchObject({ valid: true, invalidRows: 0 });
    // …and the retry continued the same job: every row once, with the ids of the first attempt
    expect(retried).toMatchObject({ created: 1_200, jobId: staffJobId(ADMIN, createHash('sha256').update(csv).digest('hex')) });
    const listed = withPrefix('C')(await listedStaff());
    expect(listed).toHaveLength(1_200);
    expect(new Set(listed.map((s) => s.staffNo)).size).toBe(1_200);
    expect(listed.map((s) => s.id)).toContain(String(writtenRecord.id));
    const records = withPrefix('C')((await scanTable(t.doc, t.tables.ops)).filter((item) => item.kind === 'staff'));
    expect(records).toHaveLength(1_200);
  });

  it('refuses the whole file when someone takes one of its 工号 while it is being written, and rolls back', async () => {
    // Prepare: between batch 10 and 11, another administrator creates 工号 K01190 in its unit.
    const csv = Buffer.from(staffCsv('K', 1_200));
    const racer = faulty(t.runtime.importJobs, 11, async () => {
      await createStaff(t.runtime, OTHER_ADMIN, UNITS[1_190 % 10]!, { staffNo: 'K01190', name: '抢先者', post: '窗口', duties: '', pledge: '', partyMember: false });
    });

    // Act
    const refused = await applyStaffImport({ ...t.runtime, importJobs: racer }, ADMIN, uploadOf(csv)).catch((error: Error & { statusCode?: number; issues?: { field: string }[] }) => error);

    // Assess: 409 naming row 1,192 (工号 K01190), nothing of the file left, the other person kept
    expect(refused).toMatchObject({ statusCode: 409 });
    expect((refused as { issues: { field: string }[] }).issues[0]!.field).toBe('rows.1192.staffNo');
    const stored = withPrefix('K')(await storedListings());
    expect(stored.map((item) => `${String(item.staffNo)}:${String(item.name)}`)).toEqual(['K01190:抢先者']);
    expect(stored[0]).not.toHaveProperty('importJob');
    const records = withPrefix('K')((await scanTable(t.doc, t.tables.ops)).filter((item) => item.kind === 'staff'));
    expect(records).toHaveLength(1);
    const job = await t.runtime.importJobs.get(staffJobId(ADMIN, createHash('sha256').update(csv).digest('hex')));
    expect(job?.state).toBe('rolled-back');
    // Sent again, the file is refused up front with the same row named.
    const again = await applyStaffImport(t.runtime, ADMIN, uploadOf(csv)).catch((error: { issues?: { field: string }[] }) => error);
    expect((again as { issues: { field: string }[] }).issues.map((issue) => issue.field)).toEqual(['rows.1192.staffNo']);
  });
});
