import * as z from 'zod';
import { LETTER_LIMITS, MAILBOX_KINDS } from '../../domain/cases/mailbox.js';
import { personalNumberIn } from '../../domain/personal-numbers.js';
import type { Operation } from '../operation.js';
import { UnitId } from '../org-units.js';
import { idempotencyKeyHeader, MOBILE_PATTERN } from '../rating.js';
import { badRequest, errorResponse, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { text } from '../text.js';
import { WindowCode } from '../window-card.js';

/**
 * The public mailbox (issue 15 §3; docs/decisions/0029-mailbox.md): 投诉信箱 and 一把手信箱. A letter
 * names a unit (and a window of it, if the writer knows it) and opens a case in that unit's queue —
 * the same queue, states and deadlines as a 差评's; a letter to the 一把手 is also listed in the queue
 * of the account the unit named its head. No JavaScript is needed to find the unit or to write.
 */
/** The letter limits the forms check before sending (the API checks them again). */
export { LETTER_LIMITS, personalNumberIn };

const MailboxKind = z.enum(MAILBOX_KINDS, { error: `must be one of ${MAILBOX_KINDS.join(', ')}` }).meta({
  description: 'complaint: 投诉信箱 (the unit’s queue); head: 一把手信箱 (the unit’s queue and its head’s own)',
});

export const MailboxQuery = z
  .strictObject({
    unit: UnitId.optional().meta({ description: 'The unit to write to; absent: the top-level units to start from' }),
    window: WindowCode.optional().meta({ description: 'The window the writer came from (its page links here with it): echoed with its name if it is an active window of the unit' }),
  })
  .meta({ id: 'MailboxQuery' });

const Named = z.object({ id: z.string(), name: z.string() });

export const MailboxDirectory = z
  .object({
    unit: Named.nullable().meta({ description: 'The unit chosen; null: none yet (the top level is listed)' }),
    ancestors: z.array(Named).meta({ description: 'From the top down to the unit’s parent' }),
    children: z.array(Named).meta({ description: 'The units right below (or the top-level units), to narrow the choice' }),
    window: z
      .object({ code: z.string(), name: z.string() })
      .nullable()
      .meta({ description: 'The window asked for, if it is an active window of the unit. Windows are never listed: their codes are the keys of their QR posters, not to be collected by a script' }),
    headBox: z.boolean().meta({ description: 'The unit named its head: the 一把手信箱 is open' }),
  })
  .meta({ id: 'MailboxDirectory' });
export type MailboxDirectory = z.infer<typeof MailboxDirectory>;

export const SubmitLetterInput = z
  .strictObject({
    unitId: UnitId.meta({ description: 'The unit the letter is about (谁办理、谁负责)' }),
    box: MailboxKind,
    windowCode: WindowCode.optional().meta({ description: 'A window of that unit, if the writer knows it' }),
    subject: text({ min: 1, max: LETTER_LIMITS.subject }).meta({ description: '标题' }),
    content: text({ min: LETTER_LIMITS.contentMin, max: LETTER_LIMITS.content, multiline: true }).meta({ description: '内容: what happened' }),
    contactPhone: z
      .string()
      .regex(MOBILE_PATTERN, 'must be an 11-digit mainland mobile number')
      .optional()
      .meta({ description: 'For a call back only; requires consentToCallback = true; stored encrypted, deleted when the case finishes' }),
    consentToCallback: z.boolean().optional(),
  })
  .superRefine((input, context) => {
    // A number goes in contactPhone (sealed, deleted at the close), never in the text (decision 0029).
    for (const field of ['subject', 'content'] as const) {
      const found = personalNumberIn(input[field]);
      if (found) context.addIssue({ code: 'custom', path: [field], message: found === 'mobile' ? 'must not hold a phone number: give it as contactPhone' : 'must not hold an ID number' });
    }
    if (input.contactPhone && input.consentToCallback !== true) context.addIssue({ code: 'custom', path: ['consentToCallback'], message: 'must be true when a contact phone is given' });
    if (input.consentToCallback === true && !input.contactPhone) context.addIssue({ code: 'custom', path: ['contactPhone'], message: 'is required when consentToCallback is true' });
  })
  .meta({
    id: 'SubmitLetterInput',
    examples: [{ unitId: 'lj-zwfw', box: 'complaint', windowCode: 'LJ-A01', subject: '窗口午休无人', content: '12 点到 12 点半窗口无人办理，也没有告示。' }],
  });
export type SubmitLetterInput = z.output<typeof SubmitLetterInput>;

export const LetterReceived = z
  .object({ day: z.string().meta({ description: 'China-time day the letter was received' }), due: z.string().meta({ description: 'When its unit is due to have verified it (working days)' }) })
  .meta({ id: 'LetterReceived' });
export type LetterReceived = z.infer<typeof LetterReceived>;

export const MailboxSettingsQuery = z.strictObject({ unitId: UnitId }).meta({ id: 'MailboxSettingsQuery' });

export const MailboxSettings = z
  .object({
    unitId: z.string(),
    head: z.string().nullable().meta({ description: 'The username of the unit’s head (一把手), or null: the 一把手信箱 is closed' }),
    headName: z.string().optional(),
  })
  .meta({ id: 'MailboxSettings' });
export type MailboxSettings = z.infer<typeof MailboxSettings>;

export const MailboxSettingsInput = z
  .strictObject({
    unitId: UnitId,
    head: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, 'must be a username')
      .nullable()
      .meta({ description: 'An active account of the unit itself that may read its cases; null closes the 一把手信箱' }),
  })
  .meta({ id: 'MailboxSettingsInput' });
export type MailboxSettingsInput = z.output<typeof MailboxSettingsInput>;

export const mailboxOperations = {
  getMailbox: {
    method: 'GET',
    path: '/api/public/mailbox',
    summary: 'The public mailbox’s unit directory: a unit (or the top level), the units below it, its windows, whether its 一把手信箱 is open',
    tag: 'public',
    auth: 'none',
    query: MailboxQuery,
    responses: { 200: { description: 'The directory at this unit', schema: MailboxDirectory }, 400: badRequest, 404: noSuch('unit', ' (or it is archived)') },
  },
  submitLetter: {
    method: 'POST',
    path: '/api/public/mailbox/letters',
    summary: 'Write to a unit’s 投诉信箱 or 一把手信箱: opens a case in its queue',
    description:
      'The letter opens a case in the unit’s queue (待核实, due after the unit’s verification working days), and a letter to the 一把手 ' +
      'is listed in its head’s queue too. A number for the call back is stored only encrypted, only with consent. At most ' +
      `${LETTER_LIMITS.perClient} letters per client per hour, counted under a keyed hash of the client that is forgotten within the hour — never its address.`,
    tag: 'public',
    auth: 'none',
    headers: idempotencyKeyHeader('Makes a repeated submission safe: the same key opens one case and answers the first receipt again'),
    body: SubmitLetterInput,
    responses: {
      201: { description: 'Received', schema: LetterReceived },
      400: badRequest,
      404: noSuch('unit or window', ''),
      409: errorResponse('The unit has no 一把手信箱 open (box = head)'),
      413: errorResponse('Body over 16 KB'),
      415: errorResponse('Body is not application/json'),
      429: errorResponse('Too many letters from this client: the message says when to try again'),
    },
  },
  getMailboxSettings: {
    method: 'GET',
    path: '/api/case-mailbox',
    summary: 'Who a unit named its head (一把手) for the 一把手信箱',
    tag: 'cases',
    auth: 'bearer',
    query: MailboxSettingsQuery,
    responses: { 200: { description: 'The setting', schema: MailboxSettings }, 400: badRequest, 401: unauthorized, 403: forbiddenTo('read 差评 cases'), 404: noSuch('unit', ' in scope') },
  },
  setMailboxSettings: {
    method: 'PUT',
    path: '/api/case-mailbox',
    summary: 'Name a unit’s head (一把手) for the 一把手信箱, or close it; audited',
    tag: 'cases',
    auth: 'bearer',
    body: MailboxSettingsInput,
    responses: {
      200: { description: 'The setting now', schema: MailboxSettings },
      400: badRequest,
      401: unauthorized,
      403: forbiddenTo('work 差评 cases'),
      404: noSuch('unit', ' in scope'),
    },
  },
} as const satisfies Record<string, Operation>;
