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

export interface FrameOptions {
  filters: FrameFilters;
  strataBy: StrataBy;
  /** Whether the person was invited by another round within the quarantine period. */
  quarantined: (phoneKey: string) => boolean;
  /** Whether the record's number is still in the contact store (numbers go long before records). */
  reachable: (record: FrameRecord) => boolean;
  /** The entry id of a person in this round: an HMAC of the pseudonym, never the pseudonym itself. */
  entryIdOf: (phoneKey: string) => string;
}

export interface BuiltEntry extends FrameEntry {
  record: FrameRecord;
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

/** Whether `a` is a later 办件 than `b` of the same person. */
function later(a: FrameRecord, b: FrameRecord): boolean {
  if (a.finishedAt !== b.finishedAt) return a.finishedAt > b.finishedAt;
  return compareUtf8(a.projNo, b.projNo) > 0;
}

/**
 * The frame built record by record (a freeze streams the 办件 listings through it, page by page,
 * so only one record per person is ever held): `add` each record, then `finish`.
 */
export function frameBuilder(options: FrameOptions): { add(record: FrameRecord): void; finish(): BuiltFrame } {
  let matched = 0;
  let withoutMobile = 0;
  const latest = new Map<string, FrameRecord>();
  return {
    add(record) {
      if (!matchesFilters(record, options.filters)) return;
      matched++;
      if (!record.phoneKey || !options.reachable(record)) {
        withoutMobile++;
        return;
      }
      const seen = latest.get(record.phoneKey);
      if (!seen || later(record, seen)) latest.set(record.phoneKey, record);
    },
    finish() {
      let quarantined = 0;
      const entries: BuiltEntry[] = [];
      for (const [phoneKey, record] of latest) {
        if (options.quarantined(phoneKey)) {
          quarantined++;
          continue;
        }
        entries.push({ stratum: stratumOf(record, options.strataBy), entryId: options.entryIdOf(phoneKey), record });
      }
      entries.sort((a, b) => compareUtf8(a.stratum, b.stratum) || compareUtf8(a.entryId, b.entryId));
      return { entries, matched, withoutMobile, people: latest.size, quarantined };
    },
  };
}

export function buildFrame(records: Iterable<FrameRecord>, options: FrameOptions): BuiltFrame {
  const builder = frameBuilder(options);
  for (const record of records) builder.add(record);
  return builder.finish();
}
