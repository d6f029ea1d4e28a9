import { describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal.js';
import type { AuditEntry } from '../../data/audit.js';
import { MAX_IMPORT_BYTES } from '../org/import-file.js';
import type { RecordImportJob, RecordImportJobStore } from '../../data/record-import-jobs.js';
import type { ServiceRecord } from '../../data/service-records.js';
import { applyServiceRecordImport, type RecordImportDeps } from './imports.js';
import { chinaDateTime } from './record-rows.js';

const ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const NOW = new Date('2026-12-06T12:00:00Z');
const HEADER = '办件编号,单位编码,办理事项,办结时间,办理方式,申请人类型,申请人手机';

/** In-memory stores with the same contracts as the DynamoDB ones (a conditional cursor, one record per key). */
function fakes() {
  const records = new Map<string, ServiceRecord>();
  const jobs = new Map<string, RecordImportJob>();
  const audit: AuditEntry[] = [];
  const recordImportJobs: RecordImportJobStore = {
    get: async (jobId) => (jobs.has(jobId) ? { ...jobs.get(jobId)! } : undefined),
    begin: async (job) => {
      if (!jobs.has(job.jobId)) jobs.set(job.jobId, { ...job, kind: 'service-records', state: 'applying', done: 0, stored: 0, unchanged: 0, conflict: 0, refused: 0, updatedAt: job.createdAt });
      return { ...jobs.get(job.jobId)! };
    },
    advance: async (jobId, { from, to, finished }, counts, at) => {
      const job = jobs.get(jobId)!;
      if (job.done !== from || job.state !== 'applying') return false;
      jobs.set(jobId, { ...job, done: to, state: finished ? 'finished' : 'applying', updatedAt: at, stored: job.stored + counts.stored, unchanged: job.unchanged + counts.unchanged, conflict: job.conflict + counts.conflict, refused: job.refused + counts.refused });
      return true;
    },
  };
  const deps = {
    units: { get: async (id: string) => (id === 'd1' ? { id, name: '不动产登记中心', parentId: 'c1', path: ['p1', 'c1', 'd1'] } : undefined) },
    windows: { get: async () => undefined },
    serviceRecords: {
      store: async (record: ServiceRecord) => {
        const key = `${record.unitId}#${record.projNo}`;
        const existing = records.get(key);
        if (existing) return { stored: false as const, existing };
        records.set(key, record);
        return { stored: true as const };
      },
    },
    sealer: { seal: async (phone: string) => `sealed:${phone.length}` },
    throttle: { keyring: { dayKey: async () => Buffer.alloc(32, 7) } },
    audit: { append: async (entry: AuditEntry) => void audit.push(entry) },
    now: () => NOW,
    randomId: () => Math.random().toString(16).slice(2),
    recordImportJobs,
  } as unknown as RecordImportDeps;
  return { deps, records, jobs, audit };
}

/** The largest CSV one upload takes (3 MiB) with short rows (~62 bytes): about 50,000. */
function fullFile(): { body: string; rows: number } {
  const lines = [HEADER];
  let bytes = HEADER.length;
  for (let i = 0; ; i++) {
    const line = `P${String(i).padStart(6, '0')},d1,抵押登记,2026-12-06 10:30,窗口,个人,${i % 2 ? '' : '13800138000'}`;
    bytes += Buffer.byteLength(line) + 2;
    if (bytes > MAX_IMPORT_BYTES - 64) break;
    lines.push(line);
  }
  return { body: `${lines.join('\r\n')}\r\n`, rows: lines.length - 1 };
}

describe('applyServiceRecordImport', () => {
  it('writes a full 3 MiB file chunk by chunk, each request continuing where the last stopped', async () => {
    // Prepare
    const { deps, records, audit } = fakes();
    const file = fullFile();
    const upload = { body: file.body, isBase64Encoded: false };

    // Act: no time budget, so each request writes exactly one chunk.
    const progress: number[] = [];
    let answer = await applyServiceRecordImport(deps, ADMIN, upload, { budgetMs: 0, chunkRows: 10_000 });
    progress.push(answer.done);
    while (!answer.finished) {
      answer = await applyServiceRecordImport(deps, ADMIN, upload, { budgetMs: 0, chunkRows: 10_000 });
      progress.push(answer.done);
    }

    // Assess
    expect(file.rows).toBeGreaterThan(50_000);
    expect(progress).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, file.rows]);
    expect(answer).toEqual({ kind: 'service-records', total: file.rows, done: file.rows, finished: true, stored: file.rows, unchanged: 0, conflict: 0, refused: 0 });
    expect(records.size).toBe(file.rows);
    expect(audit.filter((entry) => entry.action === 'import.service-records.apply')).toHaveLength(6);
  }, 60_000);

  it('keeps writing within one request until the time budget is spent', async () => {
    const { deps } = fakes();
    const lines = [HEADER, ...Array.from({ length: 1_200 }, (_, i) => `Q${i},d1,抵押登记,2026-12-06 10:30,网上,企业,`)];
    const answer = await applyServiceRecordImport(deps, ADMIN, { body: lines.join('\n'), isBase64Encoded: false }, { budgetMs: 60_000, chunkRows: 500 });
    expect(answer).toMatchObject({ done: 1_200, finished: true, stored: 1_200 });
  });

  it('counts a row stored by someone else meanwhile as unchanged, never twice', async () => {
    const { deps, jobs } = fakes();
    const body = [HEADER, 'R1,d1,抵押登记,2026-12-06 10:30,自助,个人,', 'R2,d1,抵押登记,2026-12-06 10:30,自助,个人,'].join('\n');
    await applyServiceRecordImport(deps, { ...ADMIN, username: 'other.admin' }, { body, isBase64Encoded: false });
    const answer = await applyServiceRecordImport(deps, ADMIN, { body, isBase64Encoded: false });
    expect(answer).toMatchObject({ stored: 0, unchanged: 2, finished: true });
    expect(jobs.size).toBe(2);
  });
});

describe('chinaDateTime', () => {
  it('reads a time without an offset as China time', () => {
    expect(chinaDateTime('2026-12-06 10:30')).toBe('2026-12-06T10:30:00+08:00');
    expect(chinaDateTime('2026/1/6 9:05:07')).toBe('2026-01-06T09:05:07+08:00');
  });
  it('keeps an explicit offset', () => {
    expect(chinaDateTime('2026-12-06T02:30:00Z')).toBe('2026-12-06T02:30:00Z');
  });
  it('reads an Excel serial number as its wall-clock time in China', () => {
    // 46362 is 2026-12-06 in Excel's 1900 date system; .4375 of a day is 10:30.
    expect(chinaDateTime('46362.4375')).toBe('2026-12-06T10:30:00+08:00');
  });
  it('refuses a date without a time and free text', () => {
    expect(chinaDateTime('2026-12-06')).toBeUndefined();
    expect(chinaDateTime('昨天下午')).toBeUndefined();
  });
});
