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
