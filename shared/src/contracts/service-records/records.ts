import * as z from 'zod';
import { UnitId } from '../org-units.js';
import { StaffNo } from '../org-staff.js';
import { text } from '../text.js';
import { WindowCode } from '../window-card.js';
import { MOBILE_PATTERN } from '../rating.js';
import { IssuedRatingLink } from '../rating-links.js';

/**
 * 办件 (service records): one transaction a unit's business system finished, pushed with a
 * 接入系统 credential (issue 13 §1). The frame of 阳光测评 rounds and the anchor of 一次一评
 * ratings. The applicant's mobile number never leaves the request except sealed into the contact
 * store; the record keeps only a keyed pseudonym of it (docs/decisions/0019-service-records.md).
 */

/** 办件编号: the business system's own id, unique per unit; it becomes part of keys, so no `#` or `/`. */
export const ProjNo = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1–64 letters, digits, ., :, - or _')
  .meta({ description: '办件编号, unique within the unit', example: 'LJ-2026-000123' });

/** 办理方式: 窗口 (at a window), 网上 (online), 自助 (self-service terminal). */
export const SERVED_VIA = ['window', 'online', 'self-service'] as const;
/** 申请人类型: 个人 (a person) or 企业 (a company). */
export const APPLICANT_TYPES = ['person', 'company'] as const;

/** ISO 8601 with an explicit offset (`Z` or ±hh:mm): a time without one is ambiguous across China and UTC. */
export const OffsetDateTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date and time with an offset, e.g. 2026-12-06T10:30:00+08:00' })
  .meta({ example: '2026-12-06T10:30:00+08:00' });

export const ServiceRecordInput = z
  .strictObject({
    projNo: ProjNo,
    unitId: UnitId,
    windowCode: WindowCode.optional().meta({ description: 'The window that served it, if any (a window of the unit or of a unit below it)' }),
    serviceItem: text({ min: 1, max: 100 }).meta({ description: '办理事项', example: '不动产抵押登记' }),
    staffNo: StaffNo.optional().meta({ description: '工号 of the staff member who handled it' }),
    finishedAt: OffsetDateTime.meta({ description: '办结时间' }),
    servedVia: z.enum(SERVED_VIA, { error: 'must be window, online or self-service' }).meta({ description: '办理方式: 窗口 / 网上 / 自助' }),
    applicantType: z.enum(APPLICANT_TYPES, { error: 'must be person or company' }).meta({ description: '申请人类型: 个人 / 企业' }),
    applicantMobile: z
      .string()
      .regex(MOBILE_PATTERN, 'must be an 11-digit mainland mobile number')
      .optional()
      .meta({ description: 'Sealed into the contact store (purged after 90 days); the record keeps a keyed pseudonym only' }),
  })
  .meta({
    id: 'ServiceRecordInput',
    examples: [
      {
        projNo: 'LJ-2026-000123',
        unitId: 'lj-bdc',
        windowCode: 'x42denfu',
        serviceItem: '不动产抵押登记',
        staffNo: 'LJ1007',
        finishedAt: '2026-12-06T10:30:00+08:00',
        servedVia: 'window',
        applicantType: 'person',
        applicantMobile: '13800138000',
      },
    ],
  });
export type ServiceRecordInput = z.infer<typeof ServiceRecordInput>;

/** The most records one request may carry. */
export const SERVICE_RECORDS_PER_PUSH = 500;

/**
 * A push: one record, or `{ records: [...] }` with 1–500. Each record of a batch is checked on its
 * own (a bad one does not stop the others); the envelope itself must be right.
 */
export const PushBatch = z.strictObject({
  records: z
    .array(z.unknown())
    .min(1, { error: 'must hold at least one record' })
    .max(SERVICE_RECORDS_PER_PUSH, { error: `must hold at most ${SERVICE_RECORDS_PER_PUSH} records` }),
});
/** One record's envelope: any JSON object (the record itself is checked on its own). */
export const PushOne = z.record(z.string(), z.unknown(), { error: 'must be one record or { records: [...] }' });

export const PushServiceRecordsBody = z
  .union([PushBatch, PushOne])
  .meta({ id: 'PushServiceRecordsBody', description: 'One ServiceRecordInput, or { records: ServiceRecordInput[] } with at most 500' });

/** Which envelope a body is: `{ records }` is a batch (and must be a right one), anything else one record. */
export function pushEnvelope(body: unknown): typeof PushBatch | typeof PushOne {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'records' in body ? PushBatch : PushOne;
}

export const RECORD_STATUSES = ['stored', 'unchanged', 'conflict', 'invalid', 'forbidden'] as const;

export const PushedRecord = z
  .object({
    index: z.number().int().meta({ description: 'Position in the request (0 for a single record)' }),
    projNo: z.string().optional(),
    status: z.enum(RECORD_STATUSES).meta({
      description:
        'stored: new; unchanged: the same record was pushed before (a no-op); conflict: this projNo of this unit holds a different record; ' +
        'invalid: see issues; forbidden: the unit is outside the credential’s scope',
    }),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    ratingLink: IssuedRatingLink.optional().meta({ description: 'With issueLink=true, for a record stored now that was served at a window: its one-time rating link (shown once)' }),
  })
  .meta({ id: 'PushedRecord' });

/** Query of the push: `issueLink=true` asks for a one-time rating link per newly stored record (decision 0020). */
export const PushServiceRecordsQuery = z
  .strictObject({ issueLink: z.enum(['true', 'false'], { error: 'must be true or false' }).optional() })
  .meta({ id: 'PushServiceRecordsQuery' });
export type PushedRecord = z.infer<typeof PushedRecord>;

export const PushServiceRecordsResult = z
  .object({
    stored: z.number().int(),
    unchanged: z.number().int(),
    refused: z.number().int(),
    records: z.array(PushedRecord),
  })
  .meta({ id: 'PushServiceRecordsResult' });
export type PushServiceRecordsResult = z.infer<typeof PushServiceRecordsResult>;
