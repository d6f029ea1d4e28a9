import { createHash } from 'node:crypto';
import type { LetterReceived, MailboxDirectory, MailboxSettings, MailboxSettingsInput, SubmitLetterInput } from '#shared/contracts/cases/mailbox.js';
import { LETTER_LIMITS } from '#shared/domain/cases/mailbox.js';
import { addWorkingDays } from '#shared/domain/cases/working-days.js';
import { chinaDay } from '#shared/domain/china-time.js';
import { authorize, record, type AccessDeps, type Attempt } from '../../access/index.js';
import { can } from '../../access/permissions.js';
import type { Principal } from '../../auth/principal.js';
import type { Accounts } from '../../data/accounts.js';
import { LetterExistsError, type CaseRecord, type CaseStore } from '../../data/cases/cases.js';
import type { ContactSealer } from '../../data/contact-sealer.js';
import type { SealedContact } from '../../data/contacts.js';
import { ClientLimitError } from '../../data/throttle.js';
import type { UnitRecord, UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import { ConflictError, NotFoundError, TooManyRequestsError, ValidationError } from '../../errors.js';
import type { Requester } from '../../throttle/index.js';
import { CONTACT_RETENTION_DAYS, dayBoundaryAfter } from '../submit-rating.js';
import { deadlinesForPath } from './deadlines.js';

/**
 * The public mailbox (issue 15 §3; docs/decisions/0029-mailbox.md). A resident finds the unit by
 * walking down the unit tree (no JavaScript, no search box to script), writes to its 投诉信箱 — or,
 * when the unit named its head, its 一把手信箱 — and the letter opens a case in the unit's queue:
 * the same states, deadlines, 回访 and sweep as a 差评's, with no rating behind it (so it is in no
 * rate and no 差评整改 metric). A letter to the head is listed in the head's own queue too.
 *
 * Nothing of the writer is kept but what they wrote and, with consent, a number sealed in the
 * contact store (deleted when the case finishes). The per-client limit counts under a keyed hash of
 * the client that lives in a counter item for an hour — never an address, never beside the case.
 */
export interface MailboxDeps {
  units: Pick<UnitStore, 'get' | 'getMany' | 'children'>;
  windows: Pick<WindowStore, 'get'>;
  cases: Pick<CaseStore, 'openLetter' | 'mailboxHead' | 'deadlineSettings' | 'get'>;
  accounts: Pick<Accounts, 'get'>;
  sealer: Pick<ContactSealer, 'seal'>;
  now: () => Date;
  randomId: () => string;
}

const named = (unit: UnitRecord) => ({ id: unit.id, name: unit.name });

/** The unit a resident may write to: one that exists and is not archived (404 naming `field` otherwise). */
async function openUnit(deps: Pick<MailboxDeps, 'units'>, unitId: string, field: string): Promise<UnitRecord> {
  const unit = await deps.units.get(unitId);
  if (!unit || unit.archived) throw new NotFoundError(field, 'unit');
  return unit;
}

/** The directory at a unit (or the top level): where the resident is, where they can go, what they can name. */
/**
 * The directory at a unit (or the top level): where the resident is, where they can go, whether the
 * 一把手信箱 is open. Windows are not listed — a window's code is the key of its QR poster, and a
 * public list would hand every code to a script — only the window the resident came from is named
 * back (its page links here with its code).
 */
export async function mailboxDirectory(deps: MailboxDeps, unitId: string | undefined, windowCode?: string): Promise<MailboxDirectory> {
  if (!unitId) {
    const roots = await deps.units.children(null, { limit: LETTER_LIMITS.listed });
    return { unit: null, ancestors: [], children: roots.items.map(named), window: null, headBox: false };
  }
  const unit = await openUnit(deps, unitId, 'unit');
  const ancestorIds = unit.path.slice(0, -1);
  const [ancestors, children, window, head] = await Promise.all([
    ancestorIds.length ? deps.units.getMany(ancestorIds) : new Map<string, UnitRecord>(),
    deps.units.children(unit.id, { limit: LETTER_LIMITS.listed }),
    windowCode ? deps.windows.get(windowCode) : undefined,
    openHead(deps, unit.id),
  ]);
  return {
    unit: named(unit),
    ancestors: ancestorIds.flatMap((id) => (ancestors.get(id) ? [named(ancestors.get(id)!)] : [])),
    children: children.items.map(named),
    window: window && window.active && window.unitId === unit.id ? { code: window.code, name: window.name } : null,
    headBox: head !== undefined,
  };
}

/**
 * The unit's head while the 一把手信箱 is open: the account named, if it is still active and still of
 * the unit (an account disabled or moved since closes the box until the unit names another).
 */
async function openHead(deps: Pick<MailboxDeps, 'cases' | 'accounts'>, unitId: string): Promise<string | undefined> {
  const head = await deps.cases.mailboxHead(unitId);
  if (!head) return undefined;
  const account = await deps.accounts.get(head);
  return account && !account.disabled && account.unitId === unitId ? head : undefined;
}

/**
 * A letter's case id: from its Idempotency-Key when it has one (a form sent twice, a retry: one
 * case), else random. The key itself is kept nowhere.
 */
const letterId = (deps: Pick<MailboxDeps, 'randomId'>, key: string | undefined) => (key ? createHash('sha256').update(`manyi-letter\n${key}`).digest('hex').slice(0, 32) : deps.randomId());

export async function submitLetter(deps: MailboxDeps, input: SubmitLetterInput, requester: Requester = {}, idempotencyKey?: string): Promise<LetterReceived & { replayed: boolean }> {
  const unit = await openUnit(deps, input.unitId, 'unitId');
  const window = input.windowCode ? await deps.windows.get(input.windowCode) : undefined;
  if (input.windowCode && (!window || window.unitId !== unit.id)) throw new NotFoundError('windowCode', 'window of this unit');
  const head = input.box === 'head' ? await openHead(deps, unit.id) : undefined;
  if (input.box === 'head' && !head) throw new ConflictError('box', 'this unit has no 一把手信箱 open: write to its 投诉信箱 (complaint)');

  const now = deps.now();
  const day = chinaDay(now);
  const { deadlines } = await deadlinesForPath(deps, unit.path);
  const due = addWorkingDays(day, deadlines.verify);
  const caseId = letterId(deps, idempotencyKey);
  const contact: SealedContact | undefined = input.contactPhone
    ? {
        contactId: deps.randomId(),
        caseId,
        sealedPhone: await deps.sealer.seal(input.contactPhone),
        // Rounded to a day, as a rating's contact: no finer time of the letter.
        expiresAt: dayBoundaryAfter(Math.floor(now.getTime() / 1000) + CONTACT_RETENTION_DAYS * 86_400),
      }
    : undefined;
  const letter: CaseRecord = {
    caseId,
    unitId: unit.id,
    ...(window ? { windowCode: window.code, hallId: window.hallId } : {}),
    day,
    mailbox: input.box,
    subject: input.subject,
    comment: input.content,
    ...(head ? { addressedTo: head } : {}),
    ...(contact ? { contactId: contact.contactId } : {}),
    state: 'pending',
    due: due.day,
    ...(due.uncoveredYears.length ? { dueUncoveredYears: due.uncoveredYears } : {}),
    reopened: 0,
    // The day only, as the rating's case keeps: the letter's second is nobody's business.
    updatedAt: `${day}T00:00:00.000Z`,
  };
  try {
    await deps.cases.openLetter(letter, {
      ...(contact ? { contact } : {}),
      ...(requester.client ? { counter: { key: `letter|${requester.client}`, windowSeconds: LETTER_LIMITS.windowSeconds, limit: LETTER_LIMITS.perClient } } : {}),
      now,
    });
  } catch (error) {
    if (error instanceof ClientLimitError) throw new TooManyRequestsError('client', LETTER_LIMITS.windowSeconds / 60);
    if (error instanceof LetterExistsError) {
      const first = await deps.cases.get(caseId);
      return { day: first?.day ?? day, due: first?.due ?? due.day, replayed: true };
    }
    throw error;
  }
  return { day, due: due.day, replayed: false };
}

export interface MailboxSettingsDeps extends AccessDeps {
  units: Pick<UnitStore, 'get'>;
  cases: Pick<CaseStore, 'mailboxHead' | 'setMailboxHead'>;
  accounts: Pick<Accounts, 'get'>;
  now: () => Date;
}

async function settingsView(deps: MailboxSettingsDeps, unitId: string): Promise<MailboxSettings> {
  const head = await deps.cases.mailboxHead(unitId);
  const account = head ? await deps.accounts.get(head) : undefined;
  return { unitId, head: head ?? null, ...(account ? { headName: account.displayName } : {}) };
}

export async function getMailboxSettings(deps: MailboxSettingsDeps, principal: Principal, unitId: string): Promise<MailboxSettings> {
  const attempt: Attempt = { action: 'case.mailbox.read', objectType: 'unit', objectId: unitId };
  const unit = await authorize(deps, principal, 'cases:read', attempt, { unit: unitId, field: 'unitId' });
  await record(deps, principal, attempt, 'ok', { unitId: unit.id });
  return settingsView(deps, unit.id);
}

/**
 * Name a unit's head (一把手) or close its 一把手信箱: an active account of the unit itself (not of a
 * unit above or below) whose role reads cases, so the letters reach someone who can open them.
 */
export async function setMailboxSettings(deps: MailboxSettingsDeps, principal: Principal, input: MailboxSettingsInput): Promise<MailboxSettings> {
  const attempt: Attempt = { action: 'case.mailbox.set', objectType: 'unit', objectId: input.unitId };
  const unit = await authorize(deps, principal, 'cases:work', attempt, { unit: input.unitId, field: 'unitId' });
  if (input.head !== null) {
    const account = await deps.accounts.get(input.head);
    const problem = !account
      ? 'names no account'
      : account.disabled
        ? 'is a disabled account'
        : account.unitId !== unit.id
          ? 'must be an account of this unit itself'
          : !can(account, 'cases:read')
            ? 'must be an account whose role reads cases'
            : undefined;
    if (problem) {
      // The audit says which; the answer does not, so it tells no one which usernames exist elsewhere.
      await record(deps, principal, attempt, 'invalid', { unitId: unit.id, detail: `head: ${problem}` });
      throw ValidationError.forField('head', 'must be an active account of this unit itself whose role reads cases (system admin, unit admin or committee)');
    }
  }
  await deps.cases.setMailboxHead(unit.id, input.head ?? undefined, principal.username, deps.now());
  await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: input.head ? `一把手信箱 → ${input.head}` : '一把手信箱 closed' });
  return settingsView(deps, unit.id);
}
