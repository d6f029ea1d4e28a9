import type { AccountabilityExportQuery, AccountabilityInput, AccountabilityPage, AccountabilityQuery, AccountabilityRecordView } from '#shared/contracts/cases/accountability.js';
import { ACCOUNTABILITY_KIND_LABELS, ACCOUNTABILITY_SUBJECT_LABELS, periodLabel } from '#shared/domain/cases/accountability.js';
import { authorize, record, type AccessDeps, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { AccountabilityRecord, AccountabilityStore } from '../../data/cases/accountability.js';
import type { ExportRecord, ExportRegistry } from '../../data/export-registry.js';
import type { StaffStore } from '../../data/staff.js';
import type { UnitRecord, UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import { neutraliseCell } from '../accounts/audit-csv.js';
import type { ExportFile } from '../exports/export-report.js';
import { canonicalSha256, sha256Hex } from '../exports/integrity.js';
import { chinaTime, type ExportStamp, type FileTable } from '../exports/report-tables.js';
import { allPages } from '../reports/report-deps.js';

/**
 * The accountability register (问责台账, issue 15 §3; decision 0028): administrators record 通报,
 * 约谈 and 限期整改 notices to a unit, window or staff member of their scope; administrators and
 * committees list and export a subtree's notices of a period. The subject is checked through the
 * one access rule (out of scope: the same 404 as a missing one) and named as it was that day.
 */
export interface AccountabilityDeps extends AccessDeps {
  units: Pick<UnitStore, 'get'>;
  windows: Pick<WindowStore, 'get'>;
  staff: Pick<StaffStore, 'get'>;
  accountability: AccountabilityStore;
  exports: Pick<ExportRegistry, 'register'>;
  randomId: () => string;
}

const view = ({ unitPath: _path, ...rest }: AccountabilityRecord): AccountabilityRecordView => rest;

async function subjectOf(deps: AccountabilityDeps, principal: Principal, attempt: Attempt, input: AccountabilityInput): Promise<{ unit: UnitRecord; name: string }> {
  const field = 'subjectId';
  if (input.subjectType === 'unit') {
    const unit = await authorize(deps, principal, 'accountability:write', attempt, { unit: input.subjectId, field });
    return { unit, name: unit.name };
  }
  if (input.subjectType === 'window') {
    const { window, unit } = await authorize(deps, principal, 'accountability:write', attempt, { window: input.subjectId, field });
    return { unit, name: window.name };
  }
  const { staff, unit } = await authorize(deps, principal, 'accountability:write', attempt, { staff: input.subjectId, field });
  return { unit, name: staff.name };
}

export async function createAccountabilityRecord(deps: AccountabilityDeps, principal: Principal, input: AccountabilityInput): Promise<AccountabilityRecordView> {
  const attempt: Attempt = { action: 'accountability.create', objectType: input.subjectType, objectId: input.subjectId };
  const { unit, name } = await subjectOf(deps, principal, attempt, input);
  const created: AccountabilityRecord = {
    recordId: deps.randomId(),
    unitId: unit.id,
    unitPath: unit.path,
    unitName: unit.name,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    subjectName: name,
    kind: input.kind,
    period: input.period,
    reason: input.reason,
    documentNo: input.documentNo,
    issuedBy: input.issuedBy,
    issuedOn: input.issuedOn,
    createdBy: principal.username,
    createdAt: deps.now().toISOString(),
  };
  await deps.accountability.put(created);
  await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: `${input.kind} ${input.period} ${input.documentNo}`.slice(0, 200) });
  return view(created);
}

export async function listAccountabilityRecords(deps: AccountabilityDeps, principal: Principal, query: AccountabilityQuery): Promise<AccountabilityPage> {
  const attempt: Attempt = { action: 'accountability.list', objectType: 'unit', objectId: query.unitId };
  const unit = await authorize(deps, principal, 'cases:read', attempt, { unit: query.unitId, field: 'unitId' });
  const page = await deps.accountability.list(unit.path, query.period, { limit: query.limit, cursor: query.cursor });
  await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: query.period });
  return { unitId: unit.id, period: query.period, items: page.items.map(view), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/** The register as a file table: one row per notice, text cells neutralised (a formula never runs). */
export function accountabilityTable(unit: UnitRecord, period: string, records: readonly AccountabilityRecordView[], stamp: ExportStamp): FileTable {
  const cell = (value: string) => neutraliseCell(value);
  return {
    name: '问责台账',
    columns: [
      { header: '考核期间', width: 16 },
      { header: '类别', width: 10 },
      { header: '对象类型', width: 10 },
      { header: '对象', width: 24, wrap: true },
      { header: '所属单位', width: 24, wrap: true },
      { header: '事由', width: 48, wrap: true },
      { header: '文号', width: 22 },
      { header: '发文单位', width: 22, wrap: true },
      { header: '发文日期', width: 12 },
      { header: '登记人', width: 14 },
      { header: '登记时间', width: 18 },
    ],
    rows: records.map((item) => [
      periodLabel(item.period),
      ACCOUNTABILITY_KIND_LABELS[item.kind],
      ACCOUNTABILITY_SUBJECT_LABELS[item.subjectType],
      cell(item.subjectName),
      cell(item.unitName),
      cell(item.reason),
      cell(item.documentNo),
      cell(item.issuedBy),
      item.issuedOn,
      cell(item.createdBy),
      chinaTime(item.createdAt),
    ]),
    notes: [`${cell(unit.name)}（含下级单位）${periodLabel(period)}问责台账，共 ${records.length} 条；数据校验码 ${stamp.dataHash}，生成于 ${chinaTime(stamp.generatedAt)}。`],
  };
}

/** The register of a subtree for a period as CSV or XLSX, registered for /verify like every download; audited. */
export async function exportAccountabilityRecords(deps: AccountabilityDeps, principal: Principal, query: AccountabilityExportQuery): Promise<ExportFile> {
  const attempt: Attempt = { action: 'accountability.export', objectType: 'unit', objectId: query.unitId };
  const unit = await authorize(deps, principal, 'cases:read', attempt, { unit: query.unitId, field: 'unitId' });
  const records = (await allPages((cursor) => deps.accountability.list(unit.path, query.period, { limit: 200, cursor }))).map(view);
  const now = deps.now();
  const dataHash = canonicalSha256({ register: 'manyi-accountability-register', unitId: unit.id, period: query.period, records });
  const stamp: ExportStamp = { dataHash, generatedAt: now.toISOString() };
  const tables = [accountabilityTable(unit, query.period, records, stamp)];
  const body = query.format === 'xlsx' ? await (await import('../exports/tables-xlsx.js')).tablesXlsx(tables, stamp) : (await import('../exports/tables-csv.js')).tablesCsv(tables);
  const sha256 = sha256Hex(body);
  const registered = (hash: string, matched: ExportRecord['matched']): ExportRecord => ({
    sha256: hash,
    matched,
    format: query.format,
    scopeName: `${unit.name} / 问责台账`,
    periodLabel: { zh: periodLabel(query.period), en: query.period },
    definitionId: 'manyi-accountability-register',
    definitionName: { zh: '问责台账', en: 'Accountability register' },
    // Notices, not ratings: no count of ratings to give (n absent, /verify shows none).
    extractedAt: now.toISOString(),
    generatedAt: now.toISOString(),
  });
  await deps.exports.register(registered(sha256, 'file'), registered(dataHash, 'data'));
  await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: `${query.format} ${query.period} rows=${records.length} sha256=${sha256}` });
  return { contentType: CONTENT_TYPES[query.format], body, sha256, dataHash, filename: `accountability-${unit.id}-${query.period}.${query.format}`.replace(/[^A-Za-z0-9._-]/g, '_') };
}
