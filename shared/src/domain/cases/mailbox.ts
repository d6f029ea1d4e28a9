/**
 * The public mailbox (issue 15 §3; docs/decisions/0029-mailbox.md): 投诉信箱, to a unit, and
 * 一把手信箱, to the account the unit named its head. A letter opens a case like a 差评's, with no
 * rating behind it: it counts in no satisfaction rate and in none of the 差评整改 metrics.
 */
export const MAILBOX_KINDS = ['complaint', 'head'] as const;
export type MailboxKind = (typeof MAILBOX_KINDS)[number];

export const MAILBOX_LABELS: Record<MailboxKind, string> = { complaint: '投诉信箱', head: '一把手信箱' };

export const LETTER_LIMITS = {
  /** Characters of a subject (one line). */
  subject: 40,
  /** Characters of the content: at least a sentence, at most a page. */
  contentMin: 5,
  content: 1000,
  /** Letters per client per `windowSeconds` (a keyed hash of the client, forgotten with its window). */
  perClient: 5,
  windowSeconds: 3600,
  /** Units and windows a directory page lists at most. */
  listed: 500,
} as const;

/**
 * A mainland mobile number or a 居民身份证号 written into a letter's text (digits may be full-width
 * or split by spaces and hyphens). A number belongs in the form's own field — sealed in the contact
 * store, deleted when the case finishes — never in text the unit's staff read and the case keeps
 * (privacy by construction: no phone number outside the contact store). Such text is refused with a
 * message naming the field, not silently changed.
 */
const MOBILE_IN_TEXT = /(?<!\d)1[3-9]\d(?:[\s-]?\d){8}(?!\d)/u;
const ID_NUMBER_IN_TEXT = /(?<![\dXx])\d{6}(?:[\s-]?\d){11}[\s-]?[\dXx](?![\dXx])/u;

export function personalNumberIn(text: string): 'mobile' | 'id' | undefined {
  const plain = text.normalize('NFKC');
  if (MOBILE_IN_TEXT.test(plain)) return 'mobile';
  if (ID_NUMBER_IN_TEXT.test(plain)) return 'id';
  return undefined;
}
