import * as z from 'zod';
import { DEADLINE_DAYS_RANGE } from '../../domain/cases/deadlines.js';
import type { Operation } from '../operation.js';
import { UnitId } from '../org-units.js';
import { badRequest, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';

/**
 * A unit's 差评 deadlines (issue 15 §1; docs/decisions/0028): working days per kind — 核实,
 * 立行立改, 限期整改 — its own or inherited from the nearest ancestor that set them, else the
 * defaults (1, 1, 5). The 15-day rule some provinces use is 限期整改 15, set once at the province.
 */
const Days = z
  .number({ error: 'must be a whole number of working days' })
  .int('must be a whole number of working days')
  .min(DEADLINE_DAYS_RANGE.min, `must be at least ${DEADLINE_DAYS_RANGE.min} working day`)
  .max(DEADLINE_DAYS_RANGE.max, `must be at most ${DEADLINE_DAYS_RANGE.max} working days`);

const Deadlines = z
  .object({
    verify: Days.meta({ description: '核实: working days from the rating to the decision how to handle it' }),
    immediate: Days.meta({ description: '立行立改: working days to fix at once' }),
    deadline: Days.meta({ description: '限期整改: working days to fix by a deadline (15: the rule some provinces use)' }),
  })
  .meta({ id: 'CaseDeadlines' });

/** The range of working days a unit may set (the forms check it before sending). */
export { DEADLINE_DAYS_RANGE };

export const CaseDeadlinesQuery = z.strictObject({ unitId: UnitId }).meta({ id: 'CaseDeadlinesQuery' });

export const CaseDeadlinesView = z
  .object({
    unitId: z.string(),
    own: Deadlines.optional().meta({ description: 'The unit’s own setting, if it has one' }),
    effective: Deadlines.meta({ description: 'What applies to the unit’s new deadlines now' }),
    from: z.string().nullable().meta({ description: 'The unit whose setting applies (itself or an ancestor); null: the defaults' }),
    fromName: z.string().optional(),
    defaults: Deadlines,
  })
  .meta({ id: 'CaseDeadlinesView' });
export type CaseDeadlinesView = z.infer<typeof CaseDeadlinesView>;

export const CaseDeadlinesInput = z
  .strictObject({
    unitId: UnitId,
    inherit: z.literal(true, { error: 'must be true (or left out to set days)' }).optional().meta({ description: 'true: drop the unit’s own setting and inherit again' }),
    verify: Days.optional(),
    immediate: Days.optional(),
    deadline: Days.optional(),
  })
  .superRefine((input, context) => {
    for (const field of ['verify', 'immediate', 'deadline'] as const) {
      if (input.inherit && input[field] !== undefined) context.addIssue({ code: 'custom', path: [field], message: 'is not set when inheriting' });
      if (!input.inherit && input[field] === undefined) context.addIssue({ code: 'custom', path: [field], message: 'is required (working days), unless inherit is true' });
    }
  })
  .meta({ id: 'CaseDeadlinesInput' });
export type CaseDeadlinesInput = z.output<typeof CaseDeadlinesInput>;

export const caseDeadlineOperations = {
  getCaseDeadlines: {
    method: 'GET',
    path: '/api/case-deadlines',
    summary: 'A unit’s 差评 deadlines: its own setting, what applies and where it comes from',
    tag: 'cases',
    auth: 'bearer',
    query: CaseDeadlinesQuery,
    responses: {
      200: { description: 'The deadlines', schema: CaseDeadlinesView },
      400: badRequest,
      401: unauthorized,
      403: forbiddenTo('read 差评 deadlines', 'administrators and committees of the scope'),
      404: noSuch('unit', ' in scope'),
    },
  },
  setCaseDeadlines: {
    method: 'PUT',
    path: '/api/case-deadlines',
    summary: 'Set a unit’s 差评 deadlines (working days per kind), or inherit again; the units below without their own follow it. Applies to deadlines started from now on; audited',
    tag: 'cases',
    auth: 'bearer',
    body: CaseDeadlinesInput,
    responses: {
      200: { description: 'The deadlines after the change', schema: CaseDeadlinesView },
      400: badRequest,
      401: unauthorized,
      403: forbiddenTo('set 差评 deadlines', 'system and unit administrators of the scope'),
      404: noSuch('unit', ' in scope'),
    },
  },
} as const satisfies Record<string, Operation>;
