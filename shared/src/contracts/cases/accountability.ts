import * as z from 'zod';
import { ACCOUNTABILITY_KINDS, ACCOUNTABILITY_SUBJECTS, isAssessmentPeriod } from '../../domain/cases/accountability.js';
import { DEFAULT_ON_TIME_BELOW, PROPOSAL_RULES } from '../../domain/cases/accountability-proposals.js';
import { ErrorBody } from '../errors.js';
import { REPORT_DEFAULTS } from '../reports.js';
import { isCalendarDay } from '../../domain/china-time.js';
import type { Operation } from '../operation.js';
import { UnitId } from '../org-units.js';
import { badRequest, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { text } from '../text.js';

/**
 * The accountability register (问责台账, issue 15 §3): 通报, 约谈 and 限期整改 notices to a unit, a
 * window or a staff member of the scope, tied to an assessment period; listed and exported by
 * period for a unit subtree; proposals read from the reports, confirmed or dismissed by a committee.
 */
export const ACCOUNTABILITY_PAGE = { limit: 50, maxLimit: 200 } as const;

const Period = z
  .string()
  .refine(isAssessmentPeriod, { error: 'must be an assessment period: a year (2026), a quarter (2026-Q4) or a month (2026-11)' })
  .meta({ description: 'Assessment period: 2026, 2026-Q4 or 2026-11' });
const Day = z.string().refine(isCalendarDay, { error: 'must be a calendar day written YYYY-MM-DD' });
const Kind = z.enum(ACCOUNTABILITY_KINDS, { error: `must be one of ${ACCOUNTABILITY_KINDS.join(', ')}` }).meta({ description: 'notice 通报, talk 约谈, rectification 限期整改' });
const SubjectType = z.enum(ACCOUNTABILITY_SUBJECTS, { error: `must be one of ${ACCOUNTABILITY_SUBJECTS.join(', ')}` });

export const AccountabilityInput = z
  .strictObject({
    subjectType: SubjectType.meta({ description: 'Whom the notice is to: a unit, a window or a staff member' }),
    subjectId: z.string().min(1, 'is required').max(64, 'must be at most 64 characters').meta({ description: 'The unit id, window code or staff id' }),
    kind: Kind,
    period: Period,
    reason: text({ min: 1, max: 1000, multiline: true }).meta({ description: 'Why: the facts and the rule' }),
    documentNo: text({ min: 1, max: 64 }).meta({ description: '文号, e.g. 临政务〔2026〕12号' }),
    issuedBy: text({ min: 1, max: 100 }).meta({ description: 'The issuing body' }),
    issuedOn: Day.meta({ description: 'The day the notice was issued' }),
  })
  .meta({ id: 'AccountabilityInput' });
export type AccountabilityInput = z.output<typeof AccountabilityInput>;

export const AccountabilityRecordView = z
  .object({
    recordId: z.string(),
    unitId: z.string().meta({ description: 'The unit the subject belongs to (the scope of the record)' }),
    unitName: z.string(),
    subjectType: SubjectType,
    subjectId: z.string(),
    subjectName: z.string().meta({ description: 'The subject’s name when the notice was recorded' }),
    kind: Kind,
    period: z.string(),
    reason: z.string(),
    documentNo: z.string(),
    issuedBy: z.string(),
    issuedOn: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'AccountabilityRecordView' });
export type AccountabilityRecordView = z.infer<typeof AccountabilityRecordView>;

export const AccountabilityQuery = z
  .strictObject({
    unitId: UnitId.meta({ description: 'The unit whose subtree’s notices to list' }),
    period: Period.meta({ description: 'A year lists all its notices; a quarter, its own and its months’; a month, its own' }),
    limit: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(ACCOUNTABILITY_PAGE.maxLimit, `must be at most ${ACCOUNTABILITY_PAGE.maxLimit}`)
      .default(ACCOUNTABILITY_PAGE.limit),
    cursor: z.string().min(1).max(600).optional().meta({ description: 'The `cursor` of the previous page' }),
  })
  .meta({ id: 'AccountabilityQuery' });
export type AccountabilityQuery = z.output<typeof AccountabilityQuery>;

export const AccountabilityPage = z
  .object({ unitId: z.string(), period: z.string(), items: z.array(AccountabilityRecordView), cursor: z.string().optional() })
  .meta({ id: 'AccountabilityPage' });
export type AccountabilityPage = z.infer<typeof AccountabilityPage>;

export const ACCOUNTABILITY_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const AccountabilityExportQuery = z
  .strictObject({
    unitId: UnitId,
    period: Period,
    format: z.enum(ACCOUNTABILITY_EXPORT_FORMATS, { error: 'must be csv or xlsx' }),
  })
  .meta({ id: 'AccountabilityExportQuery' });
export type AccountabilityExportQuery = z.output<typeof AccountabilityExportQuery>;

const readers = forbiddenTo('read the accountability register', 'administrators and committees of the scope');

/** 问责建议 (issue 15 §3): what the reports propose, and the committee's decision on each. */
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month written YYYY-MM' });
const ProposalSettings = {
  minN: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(5, 'must be at least 5')
    .max(100000, 'must be at most 100000')
    .default(REPORT_DEFAULTS.minN)
    .meta({ description: 'The ranking minimum: only windows with at least this many ratings in a month are ranked in their hall' }),
  onTimeBelow: z.coerce
    .number({ error: 'must be a number' })
    .min(0, 'must be between 0 and 1')
    .max(1, 'must be between 0 and 1')
    .default(DEFAULT_ON_TIME_BELOW)
    .meta({ description: 'A unit whose 按期整改率 is below this (a proportion, 0.8 = 80%) is proposed' }),
};
const Rule = z.enum(PROPOSAL_RULES, { error: `must be one of ${PROPOSAL_RULES.join(', ')}` });
const ProposalSubjectType = z.enum(['window', 'unit'], { error: 'must be window or unit' });

export const ProposalQuery = z
  .strictObject({ unitId: UnitId.meta({ description: 'The scope whose reports are read' }), month: Month.meta({ description: 'The month; the rules read it and the month before' }), ...ProposalSettings })
  .meta({ id: 'AccountabilityProposalQuery' });
export type ProposalQuery = z.output<typeof ProposalQuery>;

export const ProposalView = z
  .object({
    rule: Rule,
    ruleLabel: z.string(),
    subjectType: ProposalSubjectType,
    subjectId: z.string(),
    subjectName: z.string(),
    reason: z.string().meta({ description: 'The facts from the reports, with the numbers' }),
    decision: z
      .object({ decision: z.enum(['confirmed', 'dismissed']), reason: z.string(), decidedBy: z.string(), decidedAt: z.string(), recordId: z.string().optional() })
      .optional()
      .meta({ description: 'Absent while the proposal waits for the committee' }),
  })
  .meta({ id: 'AccountabilityProposal' });
export type ProposalView = z.infer<typeof ProposalView>;

export const ProposalPage = z
  .object({
    unitId: z.string(),
    month: z.string(),
    previousMonth: z.string(),
    basis: z.enum(['satisfied', 'good']),
    minN: z.number().int(),
    onTimeBelow: z.number(),
    proposals: z.array(ProposalView),
  })
  .meta({ id: 'AccountabilityProposalPage' });
export type ProposalPage = z.infer<typeof ProposalPage>;

const DecisionTarget = {
  unitId: UnitId.meta({ description: 'The scope the proposal was read for' }),
  month: Month,
  rule: Rule,
  subjectType: ProposalSubjectType,
  subjectId: z.string().min(1, 'is required').max(64, 'must be at most 64 characters'),
  ...ProposalSettings,
  reason: text({ min: 1, max: 1000, multiline: true }).meta({ description: 'Why the committee confirms or dismisses it' }),
};

export const ProposalDecisionInput = z
  .discriminatedUnion(
    'decision',
    [
      z.strictObject({ decision: z.literal('confirmed'), ...DecisionTarget, kind: Kind, documentNo: AccountabilityInput.shape.documentNo, issuedBy: AccountabilityInput.shape.issuedBy, issuedOn: AccountabilityInput.shape.issuedOn }),
      z.strictObject({ decision: z.literal('dismissed'), ...DecisionTarget }),
    ],
    { error: 'must be confirmed (with kind, documentNo, issuedBy, issuedOn) or dismissed' },
  )
  .meta({ id: 'AccountabilityProposalDecision' });
export type ProposalDecisionInput = z.output<typeof ProposalDecisionInput>;
/** What a client sends: the settings may be left to their defaults. */
export type ProposalDecisionBody = z.input<typeof ProposalDecisionInput>;

export const accountabilityOperations = {
  createAccountabilityRecord: {
    method: 'POST',
    path: '/api/accountability-records',
    summary: 'Record a 通报, 约谈 or 限期整改 notice to a unit, window or staff member of the scope, for an assessment period; audited',
    tag: 'cases',
    auth: 'bearer',
    body: AccountabilityInput,
    responses: {
      201: { description: 'The record', schema: AccountabilityRecordView },
      400: badRequest,
      401: unauthorized,
      403: forbiddenTo('record accountability notices', 'system and unit administrators of the scope'),
      404: noSuch('subject', ' in scope'),
    },
  },
  listAccountabilityRecords: {
    method: 'GET',
    path: '/api/accountability-records',
    summary: 'The accountability register of a unit subtree for a period, by unit then day issued; one page at a time',
    tag: 'cases',
    auth: 'bearer',
    query: AccountabilityQuery,
    responses: { 200: { description: 'A page of the register', schema: AccountabilityPage }, 400: badRequest, 401: unauthorized, 403: readers, 404: noSuch('unit', ' in scope') },
  },
  exportAccountabilityRecords: {
    method: 'GET',
    path: '/api/accountability-records/export',
    summary: 'The accountability register of a unit subtree for a period as CSV or XLSX; audited',
    tag: 'cases',
    auth: 'bearer',
    query: AccountabilityExportQuery,
    responses: {
      200: { description: 'The file (text/csv or XLSX), as an attachment' },
      400: badRequest,
      401: unauthorized,
      403: readers,
      404: noSuch('unit', ' in scope'),
    },
  },
  listAccountabilityProposals: {
    method: 'GET',
    path: '/api/accountability-proposals',
    summary: '问责建议: the windows last in their hall two months running and the units below the 按期整改率 threshold, read from the committee reports, with the committee’s decision on each',
    tag: 'cases',
    auth: 'bearer',
    query: ProposalQuery,
    responses: { 200: { description: 'The proposals of the month', schema: ProposalPage }, 400: badRequest, 401: unauthorized, 403: readers, 404: noSuch('unit', ' in scope') },
  },
  decideAccountabilityProposal: {
    method: 'POST',
    path: '/api/accountability-proposals/decisions',
    summary: 'A committee member confirms a proposal (its notice enters the register in the same transaction) or dismisses it, with a reason; once; audited',
    tag: 'cases',
    auth: 'bearer',
    body: ProposalDecisionInput,
    responses: {
      201: { description: 'The proposal with its decision', schema: ProposalView },
      400: badRequest,
      401: unauthorized,
      403: forbiddenTo('decide accountability proposals', 'committees and system administrators of the scope'),
      404: noSuch('proposal', ' for this scope and month (the reports propose no such subject)'),
      409: { description: 'The proposal was decided already', schema: ErrorBody },
    },
  },
} as const satisfies Record<string, Operation>;
