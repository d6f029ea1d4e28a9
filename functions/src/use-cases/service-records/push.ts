import { createHash } from 'node:crypto';
import { toFieldIssues, type FieldIssue } from '#shared/contracts/errors.js';
import { ServiceRecordInput, type PushedRecord, type PushServiceRecordsResult } from '#shared/contracts/service-records/records.js';
import { chinaDay } from '#shared/domain/china-time.js';
import type { ClientPrincipal } from '../../auth/client-credentials.js';
import type { AuditLog } from '../../data/audit.js';
import type { ContactSealer } from '../../data/contact-sealer.js';
import type { RecordContact, ServiceRecord, ServiceRecordStore } from '../../data/service-records.js';
import type { UnitRecord, UnitStore } from '../../data/units.js';
import type { WindowRecord, WindowStore } from '../../data/windows.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../errors.js';
import { derivedKey, type ClientKeyring } from '../../throttle/keyring.js';
import { phonePseudonym } from './pseudonym.js';
import { attachRatingLinks, type IssueLinkDeps } from './rating-link.js';

/**
 * 办件 pushed by a 接入系统 (issue 13 §1; decision 0019). Each record is checked on its own and
 * stored once per (unit, 办件编号): the same record again is a no-op, a different one a conflict.
 * The applicant's mobile number is sealed into the contact store (purged after
 * {@link RECORD_PHONE_DAYS} days) and replaced on the record by a keyed pseudonym; the record
 * expires after {@link RECORD_DAYS} days from its finishing time.
 */
export const RECORD_DAYS = 400;
export const RECORD_PHONE_DAYS = 90;
/** A business system's clock may run a little ahead; a record finished later than this is refused. */
const FUTURE_SLACK_MS = 10 * 60_000;
const IN_FLIGHT = 16;
const DAY_MS = 86_400_000;

export interface PushDeps {
  units: Pick<UnitStore, 'get'>;
  windows: Pick<WindowStore, 'get'>;
  serviceRecords: Pick<ServiceRecordStore, 'store'>;
  sealer: Pick<ContactSealer, 'seal'>;
  throttle: { keyring: ClientKeyring };
  audit: Pick<AuditLog, 'append'>;
  now: () => Date;
  randomId: () => string;
}

export type Outcome = PushedRecord & { record?: ServiceRecord };

/**
 * Who brings the records in: a 接入系统 client (its subtree), or an administrator importing a file
 * (their scope; use-cases/service-records/imports.ts). `clientId` is stored on each record.
 */
export interface RecordSource {
  clientId: string;
  inScope: (unit: UnitRecord) => boolean;
}

/** Per-request lookups shared by every row: one read per unit and per window, however many rows name them. */
export function recordLookups(deps: Pick<PushDeps, 'units' | 'windows'>, now: Date): Omit<Context, 'key'> {
  const units = new Map<string, Promise<UnitRecord | undefined>>();
  const windows = new Map<string, Promise<WindowRecord | undefined>>();
  const unitOf = (id: string) => units.get(id) ?? units.set(id, deps.units.get(id)).get(id)!;
  const windowOf = (code: string) => windows.get(code) ?? windows.set(code, deps.windows.get(code)).get(code)!;
  return { now, unitOf, windowOf };
}

export async function pushContext(deps: PushDeps, now: Date): Promise<Context> {
  return { ...recordLookups(deps, now), key: await phonePseudonymKey(deps) };
}

/** The request body: one record, or `{ records }` (the envelope was checked by the operation's schema). */
export async function pushServiceRecords(
  deps: PushDeps & IssueLinkDeps,
  client: ClientPrincipal,
  body: unknown,
  /** issueLink: a one-time rating link for each record stored now (decision 0020). */
  options: { issueLink?: boolean } = {},
): Promise<{ statusCode: 200 | 201; result: PushServiceRecordsResult }> {
  const batch = typeof body === 'object' && body !== null && 'records' in body;
  const rows: unknown[] = batch ? (body as { records: unknown[] }).records : [body];
  const now = deps.now();
  const context = await pushContext(deps, now);
  const source: RecordSource = { clientId: client.clientId, inScope: (unit) => unit.path.includes(client.unitId) };

  const outcomes: Outcome[] = new Array(rows.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < rows.length; index = next++) outcomes[index] = await pushOne(deps, source, rows[index], index, context);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, rows.length) }, worker));
  if (options.issueLink) await attachRatingLinks(deps, outcomes, { withQr: !batch });

  const count = (status: PushedRecord['status']) => outcomes.filter((outcome) => outcome.status === status).length;
  const result: PushServiceRecordsResult = {
    stored: count('stored'),
    unchanged: count('unchanged'),
    refused: rows.length - count('stored') - count('unchanged'),
    records: outcomes.map(({ record: _record, ...pushed }) => pushed),
  };
  await deps.audit.append({
    at: now.toISOString(),
    actor: `client:${client.clientId}`,
    role: 'integration',
    action: 'service-record.push',
    objectType: 'service-records',
    objectId: batch ? `batch of ${rows.length}` : (outcomes[0]?.projNo ?? 'record'),
    unitId: client.unitId,
    result: result.refused === rows.length ? 'invalid' : 'ok',
    detail: `stored ${result.stored}, unchanged ${result.unchanged}, refused ${result.refused}`,
  });

  if (batch) return { statusCode: 200, result };
  // One record: its status is the answer's status.
  const [only] = outcomes as [Outcome];
  const first = only.issues?.[0];
  if (only.status === 'invalid') throw new ValidationError(first?.message ?? 'body: invalid record', { issues: only.issues });
  if (only.status === 'forbidden') throw new ForbiddenError(first?.message ?? 'unitId: outside the client’s scope');
  if (only.status === 'conflict') throw new ConflictError('projNo', 'this unit already holds a different record under this 办件编号');
  return { statusCode: only.status === 'stored' ? 201 : 200, result };
}

export interface Context {
  now: Date;
  unitOf: (id: string) => Promise<UnitRecord | undefined>;
  windowOf: (code: string) => Promise<WindowRecord | undefined>;
  key: Buffer;
}

/** Parse and check one record without writing: a refusal, or the record's input and unit. */
export async function checkOne(
  source: RecordSource,
  row: unknown,
  index: number,
  context: Omit<Context, 'key'>,
): Promise<{ refused: Outcome } | { input: ServiceRecordInput; unit: UnitRecord; finished: Date }> {
  const parsed = ServiceRecordInput.safeParse(row);
  const projNo = typeof row === 'object' && row !== null && typeof (row as { projNo?: unknown }).projNo === 'string' ? (row as { projNo: string }).projNo.slice(0, 64) : undefined;
  const refuse = (status: 'invalid' | 'forbidden', issues: FieldIssue[]): Outcome => ({ index, ...(projNo ? { projNo } : {}), status, issues });
  if (!parsed.success) return { refused: refuse('invalid', toFieldIssues(parsed.error)) };
  const input = parsed.data;

  const finished = new Date(input.finishedAt);
  if (finished.getTime() > context.now.getTime() + FUTURE_SLACK_MS) return { refused: refuse('invalid', [issue('finishedAt', 'is in the future')]) };
  if (finished.getTime() < context.now.getTime() - RECORD_DAYS * DAY_MS) return { refused: refuse('invalid', [issue('finishedAt', `is more than ${RECORD_DAYS} days ago`)]) };

  // Out of the client's subtree answers like a unit that does not exist: ids of other units reveal nothing.
  const unit = await context.unitOf(input.unitId);
  if (!unit || !source.inScope(unit)) return { refused: refuse('forbidden', [issue('unitId', 'no such unit in the client’s scope')]) };
  if (input.windowCode) {
    const window = await context.windowOf(input.windowCode);
    if (!window || !(window.unitId === unit.id || window.unitPath?.includes(unit.id))) return { refused: refuse('invalid', [issue('windowCode', 'no such window in this unit or below it')]) };
  }
  return { input, unit, finished };
}

/** Check one record and store it once per (unit, 办件编号): the one path of every 办件, pushed or imported. */
export async function pushOne(deps: PushDeps, source: RecordSource, row: unknown, index: number, context: Context): Promise<Outcome> {
  const checked = await checkOne(source, row, index, context);
  if ('refused' in checked) return checked.refused;
  const { input, unit, finished } = checked;

  const phoneKey = input.applicantMobile ? phonePseudonym(context.key, input.applicantMobile) : undefined;
  const finishedAt = finished.toISOString();
  const day = chinaDay(finished);
  const { applicantMobile: _mobile, ...kept } = input;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ ...kept, finishedAt, ...(phoneKey ? { phoneKey } : {}) }, Object.keys({ ...kept, finishedAt, phoneKey }).sort()))
    .digest('hex');
  const record: ServiceRecord = {
    unitId: unit.id,
    projNo: input.projNo,
    ...(input.windowCode ? { windowCode: input.windowCode } : {}),
    serviceItem: input.serviceItem,
    ...(input.staffNo ? { staffNo: input.staffNo } : {}),
    finishedAt,
    day,
    month: day.slice(0, 7),
    servedVia: input.servedVia,
    applicantType: input.applicantType,
    ...(phoneKey ? { phoneKey } : {}),
    fingerprint,
    clientId: source.clientId,
    storedAt: context.now.toISOString(),
    expiresAt: Math.ceil((finished.getTime() + RECORD_DAYS * DAY_MS) / 1000),
  };
  let contact: RecordContact | undefined;
  if (input.applicantMobile) {
    contact = {
      contactId: deps.randomId(),
      kind: 'service-record',
      unitId: unit.id,
      projNo: input.projNo,
      sealedPhone: await deps.sealer.seal(input.applicantMobile),
      expiresAt: Math.ceil((context.now.getTime() + RECORD_PHONE_DAYS * DAY_MS) / 1000),
    };
    record.contactId = contact.contactId;
  }
  const outcome = await deps.serviceRecords.store(record, contact);
  if (outcome.stored) return { index, projNo: input.projNo, status: 'stored', record };
  if (outcome.existing.fingerprint === fingerprint) return { index, projNo: input.projNo, status: 'unchanged' };
  return { index, projNo: input.projNo, status: 'conflict', issues: [issue('projNo', 'this unit already holds a different record under this 办件编号')] };
}

const issue = (field: string, message: string): FieldIssue => ({ field, message: `${field}: ${message}` });

/** The pseudonym key, derived once per process from the keyring (see pseudonym.ts). */
const phonePseudonymKey = (deps: PushDeps): Promise<Buffer> => derivedKey(deps.throttle.keyring, PSEUDONYM_LABEL);

/** Never a China-time day (YYYY-MM-DD), so the derived key is never one of the anti-stuffing day keys. */
export const PSEUDONYM_LABEL = 'phone-pseudonym';
