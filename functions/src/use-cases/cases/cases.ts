import { CASE_ATTACHMENT_MAX_BYTES, type CaseContactView, type CaseQueuePage, type CaseQueueQuery, type CaseTransitionInput, type CaseView } from '#shared/contracts/cases/cases.js';
import { caseNextStates, checkCaseTransition, isCaseOverdue, deadlineKindOf, FINAL_CASE_STATES, type CaseStanding, type CaseState } from '#shared/domain/cases/case-state.js';
import type { CaseDeadlines } from '#shared/domain/cases/deadlines.js';
import { addWorkingDays, workingDaysBetween } from '#shared/domain/cases/working-days.js';
import { chinaDay } from '#shared/domain/china-time.js';
import { authorize, authorizeOwned, record, type AccessDeps, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import { CaseStateError, type CaseAttachment, type CaseEvent, type CaseListing, type CaseRecord, type CaseStore } from '../../data/cases/cases.js';
import type { ContactSealer } from '../../data/contact-sealer.js';
import type { RatingStore } from '../../data/ratings.js';
import type { UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { photoType } from '../org/staff-photo.js';
import { deadlinesForPath } from './deadlines.js';

/**
 * Working 差评 cases (issue 15 §1–2; docs/decisions/0028): a unit's queue, one case, one step. Every
 * read and step goes through the one access rule (a case outside the caller's scope is the same 404
 * as a missing one); a step not allowed from the case's state is 409 naming it; an appeal is decided
 * by an administrator of a superior unit — never the case's own unit, never the account that
 * appealed (403). Every step is audited with its states; the note stays in the case, not the log.
 */
export interface CaseDeps extends AccessDeps {
  units: Pick<UnitStore, 'get' | 'getMany'>;
  windows: Pick<WindowStore, 'get' | 'getMany'>;
  cases: CaseStore;
  /** The case's rating, read when an appeal is upheld (its counters then count again under `ap:`). */
  ratings: Pick<RatingStore, 'counted'>;
  /** Opens a 实名差评's number for 查看联系方式. */
  sealer: Pick<ContactSealer, 'open'>;
  now: () => Date;
}

const APPEAL_DECISIONS: readonly CaseState[] = ['appeal-upheld', 'appeal-rejected'];

/** The names of a page's windows: one BatchGet, however many windows the page shows. */
async function windowNames(deps: Pick<CaseDeps, 'windows'>, codes: Iterable<string | undefined>): Promise<Map<string, string>> {
  const wanted = [...new Set(codes)].filter((code): code is string => code !== undefined);
  if (wanted.length === 0) return new Map();
  const found = await deps.windows.getMany(wanted);
  return new Map([...found].map(([code, window]) => [code, window.name]));
}

export async function listCases(deps: CaseDeps, principal: Principal, query: CaseQueueQuery): Promise<CaseQueuePage> {
  const attempt: Attempt = { action: 'case.list', objectType: 'unit', objectId: query.unitId };
  const unit = await authorize(deps, principal, 'cases:read', attempt, { unit: query.unitId, field: 'unitId' });
  if (query.window) {
    const window = await deps.windows.get(query.window);
    if (!window || window.unitId !== unit.id) {
      await record(deps, principal, attempt, 'invalid', { unitId: unit.id, detail: 'window not of the unit' });
      throw ValidationError.forField('window', "is not a window of this unit: a window's cases are in its own unit's queue");
    }
  }
  const today = chinaDay(deps.now());
  const filter = { limit: query.limit, cursor: query.cursor, ...(query.state ? { state: query.state } : {}), ...(query.state && query.overdue === 'true' ? { dueBefore: today } : {}) };
  const escalated = query.escalated === 'true';
  // 一把手信箱: the letters to the caller as head — of this unit only (a head is named in their own unit).
  const page = query.window
    ? await deps.cases.windowQueue(query.window, filter)
    : escalated
      ? await deps.cases.escalatedQueue(unit.id, filter)
      : query.addressed === 'true'
        ? await addressedPage(deps, principal.username, unit.id, filter)
        : await deps.cases.unitQueue(unit.id, filter);
  const names = await windowNames(deps, page.items.map((item) => item.windowCode));
  // The escalated queue lists the cases of the units below: each row says whose.
  const units = escalated ? await deps.units.getMany([...new Set(page.items.map((item) => item.unitId))]) : undefined;
  const which = query.window ? `window ${query.window}` : escalated ? 'escalated to the unit' : query.addressed === 'true' ? '一把手信箱: addressed to the caller' : undefined;
  await record(deps, principal, attempt, 'ok', { unitId: unit.id, ...(which ? { detail: which } : {}) });
  const items = page.items.map((item) => ({ ...summary(item, names, today), ...(units ? { unitName: units.get(item.unitId)?.name ?? item.unitId } : {}) }));
  return { unitId: unit.id, today, items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** The head's letters of one unit: their queue holds only their own unit's while they stay its head. */
async function addressedPage(deps: CaseDeps, username: string, unitId: string, filter: Parameters<CaseStore['addressedQueue']>[1]) {
  const page = await deps.cases.addressedQueue(username, filter);
  return { ...page, items: page.items.filter((item) => item.unitId === unitId) };
}

function summary(item: CaseListing | CaseRecord, names: Map<string, string>, today: string) {
  return {
    caseId: item.caseId,
    unitId: item.unitId,
    ...(item.windowCode ? { windowCode: item.windowCode, windowName: names.get(item.windowCode) ?? item.windowCode } : {}),
    day: item.day,
    ...(item.level ? { level: item.level } : {}),
    ...(item.mailbox ? { mailbox: item.mailbox } : {}),
    state: item.state,
    ...(item.due ? { due: item.due } : {}),
    overdue: isCaseOverdue(item.state, item.due, today),
    ...(item.suspect ? { suspect: true } : {}),
    ...(('escalated' in item && item.escalated) || ('escalatedTo' in item && item.escalatedTo) ? { escalated: true } : {}),
  };
}

export async function authorizeCase(deps: CaseDeps, principal: Principal, attempt: Attempt, permission: 'cases:read' | 'cases:work' | 'cases:review'): Promise<CaseRecord> {
  const found = await deps.cases.get(attempt.objectId);
  return (await authorizeOwned(deps, principal, permission, attempt, found, { field: 'caseId', noun: 'case' })).object;
}

const standing = (found: CaseRecord): CaseStanding => ({ state: found.state, named: found.contactId !== undefined, callback: found.callback });

async function caseView(deps: CaseDeps, found: CaseRecord, events?: CaseEvent[]): Promise<CaseView> {
  const today = chinaDay(deps.now());
  const names = await windowNames(deps, [found.windowCode]);
  return {
    ...summary(found, names, today),
    ...(found.hallId ? { hallId: found.hallId } : {}),
    ...(found.reasons?.length ? { reasons: found.reasons } : {}),
    ...(found.comment ? { comment: found.comment } : {}),
    ...(found.subject ? { subject: found.subject } : {}),
    ...(found.addressedTo ? { addressedTo: found.addressedTo } : {}),
    ...(found.roundId ? { roundId: found.roundId } : {}),
    ...(found.channel ? { channel: found.channel } : {}),
    named: found.contactId !== undefined,
    ...(found.contactPurged ? { contactPurged: true } : {}),
    ...(found.callback ? { callback: found.callback } : {}),
    reopened: found.reopened,
    ...(found.escalatedTo ? { escalatedTo: found.escalatedTo, escalatedToName: (await deps.units.get(found.escalatedTo))?.name ?? found.escalatedTo, escalatedAt: found.escalatedAt } : {}),
    ...(found.dueUncoveredYears?.length ? { dueUncoveredYears: found.dueUncoveredYears } : {}),
    next: [...caseNextStates(standing(found))],
    events: (events ?? (await deps.cases.events(found.caseId))).map(({ at, by, from, to, note, due, outcome, escalatedTo, attachment }) => ({
      at,
      by,
      from,
      to,
      note,
      ...(due ? { due } : {}),
      ...(outcome ? { outcome } : {}),
      ...(escalatedTo ? { escalatedTo } : {}),
      ...(attachment ? { attachment } : {}),
    })),
  };
}

export async function getCase(deps: CaseDeps, principal: Principal, caseId: string): Promise<CaseView> {
  const attempt: Attempt = { action: 'case.read', objectType: 'case', objectId: caseId };
  const found = await authorizeCase(deps, principal, attempt, 'cases:read');
  await record(deps, principal, attempt, 'ok', { unitId: found.unitId });
  return caseView(deps, found);
}

/**
 * One step of a case. The deadline follows the state the case goes to: 待核实, 立行立改 and 限期整改
 * start theirs (in working days from today), every other state runs none. The step to 已回访 says
 * what the 回访 found; an unhappy resident reopens the case at once (a second step, back to 待核实,
 * counted). A case that finishes takes its contact out of the contact store in the same transaction.
 */
export async function transitionCase(deps: CaseDeps, principal: Principal, caseId: string, input: CaseTransitionInput): Promise<CaseView> {
  const attempt: Attempt = { action: 'case.transition', objectType: 'case', objectId: caseId };
  const deciding = APPEAL_DECISIONS.includes(input.to);
  const found = await authorizeCase(deps, principal, attempt, deciding ? 'cases:review' : 'cases:work');
  const invalid = async (field: string, message: string) => {
    await record(deps, principal, attempt, 'invalid', { unitId: found.unitId, detail: `${field}: ${message}` });
    return ValidationError.forField(field, message);
  };
  if (input.to === 'called-back' && !input.outcome) throw await invalid('outcome', 'is required for 已回访: satisfied, unsatisfied or unreached');
  if (input.to !== 'called-back' && input.outcome) throw await invalid('outcome', 'belongs to the step to 已回访 (called-back) only');
  let attachment: CaseAttachment | undefined;
  if (input.attachment !== undefined) {
    // What the bytes are, not what a client says they are: JPEG, PNG or WebP, at most 200 KB.
    const bytes = Buffer.from(input.attachment, 'base64');
    if (bytes.length > CASE_ATTACHMENT_MAX_BYTES) throw await invalid('attachment', 'must be an image of at most 200 KB');
    const contentType = photoType(bytes);
    if (!contentType) throw await invalid('attachment', 'must be a JPEG, PNG or WebP image');
    attachment = { contentType, data: bytes.toString('base64') };
  }
  const events = await deps.cases.events(found.caseId);
  if (deciding) {
    // 申诉复核: a superior unit decides — never the case's own, never the account that appealed.
    const appellant = [...events].reverse().find((event) => event.to === 'appealing')?.by;
    const own = principal.unitId === found.unitId;
    if (own || appellant === principal.username) {
      const detail = own ? 'an appeal is decided by a superior unit, not the case’s own' : 'the account that appealed may not decide the appeal';
      await record(deps, principal, attempt, 'denied', { unitId: found.unitId, detail });
      throw new ForbiddenError(`authorization: ${detail} (申诉复核)`);
    }
  }
  const days = deadlinesOnce(deps, found);
  const first = await caseStep(deps, principal, attempt, found, events, days, { to: input.to, note: input.note, ...(input.outcome ? { outcome: input.outcome } : {}), ...(attachment ? { attachment } : {}) });
  if (input.outcome !== 'unsatisfied') return caseView(deps, first.record, first.events);
  // 回访不满意: the case reopens (待核实, a new verification deadline, counted).
  const reopened = await caseStep(deps, principal, attempt, first.record, first.events, days, { to: 'pending', note: '回访不满意，案件重新核实' });
  return caseView(deps, reopened.record, reopened.events);
}

/** A unit's deadlines (its own or inherited), read only for a step that starts one, and once. */
export function deadlinesOnce(deps: Pick<CaseDeps, 'units' | 'cases'>, found: CaseRecord): () => Promise<CaseDeadlines> {
  let read: Promise<CaseDeadlines> | undefined;
  return () => (read ??= deps.units.get(found.unitId).then(async (unit) => (await deadlinesForPath(deps, unit?.path ?? [found.unitId])).deadlines));
}

/**
 * One step of a case, checked against its state machine, written in one transaction and audited.
 * `recoveryLink`: a resident's 回访 answer, whose link is used in the same transaction.
 */
export async function caseStep(
  deps: CaseDeps,
  principal: Principal,
  attempt: Attempt,
  found: CaseRecord,
  events: CaseEvent[],
  days: () => Promise<CaseDeadlines>,
  change: { to: CaseState; note: string; outcome?: CaseTransitionInput['outcome']; attachment?: CaseAttachment; recoveryLink?: { tokenHash: string } },
): Promise<{ record: CaseRecord; events: CaseEvent[] }> {
  const refuse = async (message: string) => {
    await record(deps, principal, attempt, 'invalid', { unitId: found.unitId, detail: message });
    return new ConflictError('to', message);
  };
  const check = checkCaseTransition(standing(found), change.to);
  if (!check.ok) throw await refuse(check.message);
  const now = deps.now();
  const today = chinaDay(now);
  const kind = deadlineKindOf(change.to);
  const deadline = kind ? addWorkingDays(today, (await days())[kind]) : undefined;
  const final = FINAL_CASE_STATES.includes(change.to);
  // 申诉成立: the rating is flagged and counted under `ap:` in the step's transaction, so that the
  // definitions that exclude upheld appeals take it out of their rates (report-build.ts).
  // A letter has no rating: its upheld appeal ends it and excludes nothing (decision 0029).
  // A round's 差评 neither: the round's results were fixed at its close (decision 0030).
  const upheld = change.to === 'appeal-upheld' && found.windowCode && found.channel && found.channel !== 'sampling' ? await deps.ratings.counted(found.windowCode, found.day, found.caseId) : undefined;
  const purgeContact = final && found.contactId && !found.contactPurged ? found.contactId : undefined;
  const next: CaseRecord = {
    ...found,
    state: change.to,
    reopened: found.reopened + (found.state === 'called-back' && change.to === 'pending' ? 1 : 0),
    ...(change.outcome ? { callback: change.outcome, callbacks: { ...found.callbacks, [change.outcome]: (found.callbacks?.[change.outcome] ?? 0) + 1 } } : {}),
    ...(purgeContact ? { contactPurged: true as const } : {}),
    ...progressOf(found, change.to, today),
    updatedAt: now.toISOString(),
  };
  delete next.due;
  delete next.dueUncoveredYears;
  if (deadline) {
    next.due = deadline.day;
    if (deadline.uncoveredYears.length) next.dueUncoveredYears = deadline.uncoveredYears;
  }
  const event: CaseEvent = {
    at: now.toISOString(),
    by: principal.username,
    from: found.state,
    to: change.to,
    note: change.note,
    ...(deadline ? { due: deadline.day } : {}),
    ...(change.outcome ? { outcome: change.outcome } : {}),
    ...(change.attachment ? { attachment: { contentType: change.attachment.contentType, bytes: Buffer.from(change.attachment.data, 'base64').length } } : {}),
  };
  try {
    await deps.cases.transition(found, next, event, events.length + 1, {
      ...(purgeContact ? { purgeContact } : {}),
      ...(change.attachment ? { attachment: change.attachment } : {}),
      ...(upheld ? { upheld } : {}),
      ...(change.recoveryLink ? { recoveryLink: { tokenHash: change.recoveryLink.tokenHash, now } } : {}),
    });
  } catch (error) {
    if (error instanceof CaseStateError) throw await refuse(`another step came first: the case is ${error.current ?? 'gone'} now`);
    throw error;
  }
  const excluded = upheld ? (upheld.suspect ? '; rating was suspect (in no rate already)' : '; rating excluded where the definitions say so') : '';
  const detail = `${found.state} → ${change.to}${change.outcome ? ` (回访: ${change.outcome})` : ''}${final ? ' (final)' : ''}${purgeContact ? '; contact deleted' : ''}${excluded}`;
  await record(deps, principal, attempt, 'ok', { unitId: found.unitId, detail });
  return { record: next, events: [...events, event] };
}

/**
 * What a step records for the 差评整改 metrics (case-metrics.ts): the first fix or explanation, on
 * time when the case was never escalated and today is not past the due day of the state it leaves;
 * the working days from the rating to the close; each appeal decided.
 */
function progressOf(found: CaseRecord, to: CaseState, today: string): Partial<CaseRecord> {
  if ((to === 'fixed' || to === 'explained') && !found.handled) {
    const late = found.escalatedTo !== undefined || (found.due !== undefined && today > found.due);
    return { handled: late ? 'late' : 'on-time' };
  }
  if (to === 'closed') return { closedDays: workingDaysBetween(found.day, today).days };
  if (APPEAL_DECISIONS.includes(to)) return { appealsDecided: (found.appealsDecided ?? 0) + 1 };
  return {};
}

/** A step's attachment (a photo of the fix), for those who read the case; audited as a read. */
export async function getCaseAttachment(deps: CaseDeps, principal: Principal, caseId: string, sequence: number): Promise<CaseAttachment> {
  const attempt: Attempt = { action: 'case.attachment', objectType: 'case', objectId: caseId };
  const found = await authorizeCase(deps, principal, attempt, 'cases:read');
  const attachment = await deps.cases.attachment(found.caseId, sequence);
  if (!attachment) {
    await record(deps, principal, attempt, 'not-found', { unitId: found.unitId, detail: `step ${sequence}: no attachment` });
    throw new NotFoundError('step', 'attachment');
  }
  await record(deps, principal, attempt, 'ok', { unitId: found.unitId, detail: `step ${sequence}` });
  return attachment;
}

/** The states in which a case is under appeal or was decided by one: its reviewer never sees the contact. */
const APPEAL_STATES: readonly CaseState[] = ['appealing', 'appeal-upheld', 'appeal-rejected'];

/**
 * 查看联系方式 (issue 15 §2): a 实名差评's number, for the 回访, to whoever may work the case (its
 * unit's administrators, or a superior unit's when the case is escalated to it); never while the case
 * is under appeal or was decided by one, so its reviewer never sees it. Audited each time (who, which
 * case; never the number); answered no-store. An anonymous case has none (409); a finished case's was
 * deleted, and the contact store keeps none past its retention (409).
 */
export async function revealCaseContact(deps: CaseDeps, principal: Principal, caseId: string): Promise<CaseContactView> {
  const attempt: Attempt = { action: 'case.contact', objectType: 'case', objectId: caseId };
  const found = await authorizeCase(deps, principal, attempt, 'cases:work');
  const refuse = async (message: string) => {
    await record(deps, principal, attempt, 'invalid', { unitId: found.unitId, detail: message });
    return new ConflictError('caseId', message);
  };
  if (!found.contactId) throw await refuse('the case is anonymous: the resident left no number for a call back');
  if (APPEAL_STATES.includes(found.state)) throw await refuse(`the case is ${found.state}: a case under appeal is not called back`);
  if (found.contactPurged) throw await refuse('the contact was deleted when the case finished');
  const contact = await deps.cases.contact(found.contactId);
  const now = deps.now();
  if (!contact || contact.expiresAt * 1000 <= now.getTime()) throw await refuse('the contact store no longer holds the number: its retention is over');
  const phone = await deps.sealer.open(contact.sealedPhone);
  await record(deps, principal, attempt, 'ok', { unitId: found.unitId, detail: 'contact shown' });
  return { caseId: found.caseId, phone, keptUntil: new Date(contact.expiresAt * 1000).toISOString() };
}
