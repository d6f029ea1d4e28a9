import { compareUtf8 } from './byte-order.js';
import type { FrameEntry } from './draw.js';

/**
 * A round's frame (issue 13 §2): the 办件 of the period that match the round's filters, one entry
 * per person — their latest 办件 (by finishing time; on a tie, the greatest 办件编号 in UTF-8 byte
 * order) — minus the 办件 without a reachable mobile number and the people quarantined (invited by
 * another round within the quarantine period). Both exclusions are counted so they can be shown.
 * A person is their phone pseudonym; their entry id is an opaque HMAC of it (computed by the
 * caller), so the frame can be shown to a committee.
 */
export const STRATA_BY = ['unit', 'window', 'serviceItem'] as const;
export type StrataBy = (typeof STRATA_BY)[number];

/** The stratum of 办件 without a window when the strata are windows (online, self-service). */
export const NO_WINDOW_STRATUM = '(无窗口)';

export interface FrameRecord {
  unitId: string;
  projNo: string;
  windowCode?: string;
  serviceItem: string;
  servedVia: string;
  applicantType: string;
  /** China-time day of the finishing time (YYYY-MM-DD). */
  day: string;
  /** UTC ISO 8601. */
  finishedAt: string;
  /** The keyed pseudonym of the applicant's mobile, when there was one. */
  phoneKey?: string;
  /** Where the sealed number is in the contact store, while it is kept. */
  contactId?: string;
  /** When the platform stored the 办件 (UTC ISO): its number is kept a fixed number of days from then. */
  storedAt?: string;
}

export interface FrameFilters {
  /** China-time days, inclusive. */
  from: string;
  to: string;
  serviceItems?: readonly string[];
  servedVia?: readonly string[];
  applicantTypes?: readonly string[];
}

/** What reading the 办件 needs to know: which match, by what they are stratified, which number is still kept. */
export interface StageOptions {
  filters: FrameFilters;
  strataBy: StrataBy;
  /** Whether the record's number is still in the contact store (numbers go long before records). */
  reachable: (record: FrameRecord) => boolean;
}

export interface FrameOptions extends StageOptions {
  /** Whether the person was invited by another round within the quarantine period. */
  quarantined: (phoneKey: string) => boolean;
  /** The entry id of a person in this round: an HMAC of the pseudonym, never the pseudonym itself. */
  entryIdOf: (phoneKey: string) => string;
}

/** A person's latest matching 办件 as far as the 办件 read so far tell: what the frame keeps of it. */
export interface FrameCandidate {
  phoneKey: string;
  stratum: string;
  unitId: string;
  contactId: string;
  finishedAt: string;
  projNo: string;
}

/**
 * What reading part of the 办件 leaves for the frame: its counts and one candidate per person. A
 * freeze job reads a unit's month at a time and keeps a stage of each (decision 0021); merging the
 * stages gives the frame that reading all of them at once gives, in any order and any split.
 */
export interface FrameStage {
  /** 办件 that match the filters. */
  matched: number;
  /** Of those, 办件 without a reachable mobile number. */
  withoutMobile: number;
  candidates: FrameCandidate[];
}

export interface BuiltEntry extends FrameEntry {
  person: FrameCandidate;
}

export interface BuiltFrame {
  /** In canonical order (stratum, then entry id, UTF-8 byte order). */
  entries: BuiltEntry[];
  /** 办件 of the period that match the filters. */
  matched: number;
  /** Of those, 办件 without a reachable mobile number. */
  withoutMobile: number;
  /** Distinct people among the rest. */
  people: number;
  /** People left out because another round invited them within the quarantine period. */
  quarantined: number;
}

export function stratumOf(record: FrameRecord, strataBy: StrataBy): string {
  if (strataBy === 'unit') return record.unitId;
  if (strataBy === 'window') return record.windowCode ?? NO_WINDOW_STRATUM;
  return record.serviceItem;
}

export function matchesFilters(record: FrameRecord, filters: FrameFilters): boolean {
  if (record.day < filters.from || record.day > filters.to) return false;
  if (filters.serviceItems?.length && !filters.serviceItems.includes(record.serviceItem)) return false;
  if (filters.servedVia?.length && !filters.servedVia.includes(record.servedVia)) return false;
  if (filters.applicantTypes?.length && !filters.applicantTypes.includes(record.applicantType)) return false;
  return true;
}

type Ordered = Pick<FrameCandidate, 'finishedAt' | 'projNo' | 'unitId' | 'contactId'>;

/**
 * Whether `a` is a later 办件 than `b` of the same person: by finishing time, then the greater
 * 办件编号; then — only so that the order is total and any order of reading gives the same frame
 * (two units may number their 办件 alike) — the greater unit id, then contact id.
 */
function later(a: Ordered, b: Ordered): boolean {
  if (a.finishedAt !== b.finishedAt) return a.finishedAt > b.finishedAt;
  return (compareUtf8(a.projNo, b.projNo) || compareUtf8(a.unitId, b.unitId) || compareUtf8(a.contactId, b.contactId)) > 0;
}

/** Keeps each person's latest candidate. */
function keepLatest(latest: Map<string, FrameCandidate>, candidate: FrameCandidate): void {
  const seen = latest.get(candidate.phoneKey);
  if (!seen || later(candidate, seen)) latest.set(candidate.phoneKey, candidate);
}

/**
 * A stage built record by record (the 办件 listings stream through it page by page, so only one
 * record per person is ever held): `add` each record, then `finish`.
 */
export function frameStager(options: StageOptions): { add(record: FrameRecord): void; finish(): FrameStage } {
  let matched = 0;
  let withoutMobile = 0;
  const latest = new Map<string, FrameCandidate>();
  return {
    add(record) {
      if (!matchesFilters(record, options.filters)) return;
      matched++;
      if (!record.phoneKey || !record.contactId || !options.reachable(record)) {
        withoutMobile++;
        return;
      }
      const { phoneKey, contactId, unitId, finishedAt, projNo } = record;
      keepLatest(latest, { phoneKey, stratum: stratumOf(record, options.strataBy), unitId, contactId, finishedAt, projNo });
    },
    finish() {
      return { matched, withoutMobile, candidates: [...latest.values()] };
    },
  };
}

/**
 * The frame from its stages, added one at a time (a freeze's merge streams them from the store, so
 * only the people, never the stored text, are held): one entry per person (their latest
 * candidate), minus the quarantined, in canonical order. Stages only add up, so a stage may carry
 * counts without candidates or candidates without counts.
 */
export function frameMerger(options: Pick<FrameOptions, 'quarantined' | 'entryIdOf'>): { add(stage: FrameStage): void; finish(): BuiltFrame } {
  let matched = 0;
  let withoutMobile = 0;
  const latest = new Map<string, FrameCandidate>();
  return {
    add(stage) {
      matched += stage.matched;
      withoutMobile += stage.withoutMobile;
      for (const candidate of stage.candidates) keepLatest(latest, candidate);
    },
    finish() {
      let quarantined = 0;
      const entries: BuiltEntry[] = [];
      for (const [phoneKey, person] of latest) {
        if (options.quarantined(phoneKey)) {
          quarantined++;
          continue;
        }
        entries.push({ stratum: person.stratum, entryId: options.entryIdOf(phoneKey), person });
      }
      entries.sort((a, b) => compareUtf8(a.stratum, b.stratum) || compareUtf8(a.entryId, b.entryId));
      return { entries, matched, withoutMobile, people: latest.size, quarantined };
    },
  };
}

/** The frame from its stages, in any order and any split. */
export function mergeStages(stages: Iterable<FrameStage>, options: Pick<FrameOptions, 'quarantined' | 'entryIdOf'>): BuiltFrame {
  const merger = frameMerger(options);
  for (const stage of stages) merger.add(stage);
  return merger.finish();
}

/** The frame built record by record, in one stage. */
export function frameBuilder(options: FrameOptions): { add(record: FrameRecord): void; finish(): BuiltFrame } {
  const stager = frameStager(options);
  return { add: stager.add, finish: () => mergeStages([stager.finish()], options) };
}

export function buildFrame(records: Iterable<FrameRecord>, options: FrameOptions): BuiltFrame {
  const builder = frameBuilder(options);
  for (const record of records) builder.add(record);
  return builder.finish();
}
