import { keys } from '../keys.js';
import { counterName, countersOfItem, type Counters } from '../window-day-counters.js';

/**
 * The rollups of the running totals (decision 0031), pure: which items a change of a window-day
 * totals item adds to, and by how much. The stream consumer (use-cases/rollups) plans its writes
 * with this module and the store (rollups.ts) makes each write exactly once.
 *
 * A window-day item `TOTALS#WINDOW#{code}` / `DAY#{day}[#{channel}]` changes (a rating, a case's
 * step, a recount); its stream record carries the item before and after. The change's delta
 * (after − before, counter by counter; window-day-counters.ts names them) is added to
 *
 *   window-month  `TOTALS#WINDOW#{code}` / `MONTH#{YYYY-MM}[#{channel}]`  every counter
 *   unit-month    `TOTALS#UNIT#{unitId}` / `MONTH#{YYYY-MM}[#{channel}]`  every counter but the per-staff ones
 *   unit-day      `TOTALS#UNIT#{unitId}` / `DAY#{day}[#{channel}]`        the same as unit-month
 *   unit-year     `TOTALS#UNIT#{unitId}` / `YEAR#{YYYY}[#{channel}]`      the same, and its per-level counts
 *                                                                       split by month (`|mo|{MM}|{level}`)
 *
 * where `unitId` is the unit the window belongs to (a window never changes unit). A unit's rollups
 * count its own windows only, never its subtree: a report of a subtree adds up its units' items,
 * so that moving a unit (moveUnit) moves its history with it and no key takes a province's writes.
 *
 * Exactly once: every rollup item keeps, per source partition (window), the sequence number of the
 * last stream record it took (`q` on a window-month item, `q|{windowCode}` on a unit item). The
 * stream delivers a partition's records in order, so a record is new to an item exactly when its
 * number is above the item's marker; the write adds and moves the marker in one conditional
 * UpdateItem (one write may carry several windows' records, each marker with its own condition).
 * A redelivered record fails the condition and adds nothing.
 */

/** One record of the totals table's stream, its images unmarshalled. */
export interface TotalsChange {
  /** The stream record's SequenceNumber: decimal digits, increasing along a partition's records. */
  sequence: string;
  pk: string;
  sk: string;
  oldImage?: Record<string, unknown> | undefined;
  newImage?: Record<string, unknown> | undefined;
}

/** A change of a window-day item, as the rollups see it. */
export interface SourceChange {
  windowCode: string;
  day: string;
  /** Undefined for a legacy combined item (`DAY#{day}`, before 0018). */
  channel: string | undefined;
  /** The record's sequence number, padded (markerOf). */
  sequence: string;
  /** After − before, zeros left out; negative where a step took something back. */
  delta: Counters;
}

const WINDOW_PREFIX = keys.windowTotalsPartition('');
const DAY_SK = /^DAY#(\d{4}-\d{2}-\d{2})(?:#([a-z][a-z0-9-]*))?$/;

/** AWS sequence numbers have 21 to 40 digits: padded to 40, they compare as strings. */
export const SEQUENCE_DIGITS = 40;
const CHUNK_DIGITS = 4;

export function paddedSequence(sequence: string): string {
  if (!/^\d{1,40}$/.test(sequence)) throw new Error(`not a stream sequence number: ${sequence}`);
  return sequence.padStart(SEQUENCE_DIGITS, '0');
}

/** The change of a window-day item, or undefined for any other item of the table (the rollups themselves). */
export function sourceChangeOf(change: TotalsChange): SourceChange | undefined {
  if (!change.pk.startsWith(WINDOW_PREFIX)) return undefined;
  const match = DAY_SK.exec(change.sk);
  if (!match) return undefined;
  const before = countersOfItem(change.oldImage);
  const after = countersOfItem(change.newImage);
  const delta: Counters = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const value = (after[name] ?? 0) - (before[name] ?? 0);
    if (value !== 0) delta[name] = value;
  }
  return { windowCode: change.pk.slice(WINDOW_PREFIX.length), day: match[1]!, channel: match[2], sequence: paddedSequence(change.sequence), delta };
}

export type RollupLevel = 'window-month' | 'unit-month' | 'unit-day' | 'unit-year';

export interface RollupTarget {
  level: RollupLevel;
  key: { pk: string; sk: string };
  /** Plain attributes of the item (what a reader needs besides the counters). */
  attributes: Record<string, string>;
}

/** Per-staff counters (`|sv|`, and the legacy `|st|`) stay in the window's items: a unit's rows never list staff. */
const PER_STAFF = /^(?:ap:)?[a-z][a-z0-9-]*\|(?:sv|st)\|/;

export function unitCounters(delta: Readonly<Counters>): Counters {
  const kept: Counters = {};
  for (const [name, value] of Object.entries(delta)) if (!PER_STAFF.test(name)) kept[name] = value;
  return kept;
}

/** The items a change of this window-day item adds to, with what each one takes of the delta. */
export function rollupTargets(source: SourceChange, unitId: string): { target: RollupTarget; marker: string; delta: Counters }[] {
  const month = source.day.slice(0, 7);
  const channel: Record<string, string> = source.channel ? { channel: source.channel } : {};
  const unitDelta = unitCounters(source.delta);
  const marker = `q|${source.windowCode}`;
  return [
    {
      target: { level: 'window-month', key: keys.windowMonthTotals(source.windowCode, month, source.channel), attributes: { windowCode: source.windowCode, month, ...channel } },
      marker: 'q',
      delta: source.delta,
    },
    { target: { level: 'unit-month', key: keys.unitMonthTotals(unitId, month, source.channel), attributes: { unitId, month, ...channel } }, marker, delta: unitDelta },
    { target: { level: 'unit-day', key: keys.unitDayTotals(unitId, source.day, source.channel), attributes: { unitId, day: source.day, ...channel } }, marker, delta: unitDelta },
    {
      target: { level: 'unit-year', key: keys.unitYearTotals(unitId, month.slice(0, 4), source.channel), attributes: { unitId, year: month.slice(0, 4), ...channel } },
      marker,
      delta: withMonthSplit(unitDelta, month),
    },
  ];
}

const CHANNEL_LEVEL = /^((?:ap:)?)([a-z][a-z0-9-]*)\|c\|([1-5])$/;

/**
 * A year rollup's delta: the unit's, plus its per-level counts once more under the month
 * (`{channel}|mo|{MM}|{level}`, and `ap:` likewise), so that a year's trend reads from the year item.
 */
export function withMonthSplit(delta: Readonly<Counters>, month: string): Counters {
  const split: Counters = { ...delta };
  for (const [name, value] of Object.entries(delta)) {
    const match = CHANNEL_LEVEL.exec(name);
    if (match) split[`${match[1]}${counterName.monthLevel(match[2]!, month.slice(5, 7), match[3]!)}`] = value;
  }
  return split;
}

/** Counters of one UpdateItem at most: its expression stays far below DynamoDB's 4 KB. */
export const MAX_COUNTERS_PER_WRITE = 200;

/** One piece of one record's delta for one item. */
export interface RollupPart {
  /** The item's attribute holding the last position taken from the record's source partition. */
  marker: string;
  /** `{padded sequence}:{chunk}`: orders the piece among its partition's; a record whose delta is too big for one write is cut in chunks. */
  position: string;
  delta: Counters;
}

/**
 * One conditional UpdateItem: adds the parts' deltas and moves each marker to its last part's
 * position, if every marker is below its first part's. Parts are consecutive pieces of the item's
 * records, of one or more source partitions (a unit's windows).
 */
export interface RollupWrite {
  target: RollupTarget;
  parts: RollupPart[];
}

/** The parts' deltas added up, zeros left out. */
export function sumParts(parts: readonly RollupPart[]): Counters {
  const sum: Counters = {};
  for (const part of parts) for (const [name, value] of Object.entries(part.delta)) sum[name] = (sum[name] ?? 0) + value;
  for (const name of Object.keys(sum)) if (sum[name] === 0) delete sum[name];
  return sum;
}

/**
 * The writes of a batch of source changes (in stream order), grouped by item: for each item, its
 * records' parts in order, packed into as few writes as MAX_COUNTERS_PER_WRITE allows. Writes of
 * one item must be applied in the order given; writes of different items are independent.
 */
export function planRollupWrites(sources: readonly { source: SourceChange; unitId: string }[]): RollupWrite[][] {
  const byItem = new Map<string, { target: RollupTarget; parts: RollupPart[] }>();
  for (const { source, unitId } of sources) {
    for (const { target, marker, delta } of rollupTargets(source, unitId)) {
      const names = Object.keys(delta);
      if (names.length === 0) continue;
      const id = `${target.key.pk}\u0000${target.key.sk}`;
      let entry = byItem.get(id);
      if (!entry) byItem.set(id, (entry = { target, parts: [] }));
      for (let chunk = 0; chunk * MAX_COUNTERS_PER_WRITE < names.length; chunk++) {
        const slice = names.slice(chunk * MAX_COUNTERS_PER_WRITE, (chunk + 1) * MAX_COUNTERS_PER_WRITE);
        entry.parts.push({ marker, position: `${source.sequence}:${String(chunk).padStart(CHUNK_DIGITS, '0')}`, delta: Object.fromEntries(slice.map((name) => [name, delta[name]!])) });
      }
    }
  }
  return [...byItem.values()].map(({ target, parts }) => {
    const writes: RollupWrite[] = [];
    let current: RollupPart[] = [];
    let names = new Set<string>();
    for (const part of parts) {
      const merged = new Set([...names, ...Object.keys(part.delta)]);
      if (current.length > 0 && merged.size > MAX_COUNTERS_PER_WRITE) {
        writes.push({ target, parts: current });
        current = [];
        names = new Set(Object.keys(part.delta));
      } else names = merged;
      current.push(part);
    }
    if (current.length > 0) writes.push({ target, parts: current });
    return writes;
  });
}

/**
 * What the rollups must hold, computed from the window-day items themselves (for the recount and
 * the tests): item key → counters, zeros left out. `items` are window-day items as stored (any
 * other item is ignored); `unitOf` gives each window's unit.
 */
export function expectedRollups(items: Iterable<Record<string, unknown>>, unitOf: (windowCode: string) => string): Map<string, Counters> {
  const expected = new Map<string, Counters>();
  const add = (key: { pk: string; sk: string }, delta: Counters) => {
    const id = `${key.pk}\u0000${key.sk}`;
    const into = expected.get(id) ?? {};
    for (const [name, value] of Object.entries(delta)) into[name] = (into[name] ?? 0) + value;
    expected.set(id, into);
  };
  for (const item of items) {
    const source = sourceChangeOf({ sequence: '0', pk: String(item.pk), sk: String(item.sk), newImage: item });
    if (!source) continue;
    for (const { target, delta } of rollupTargets(source, unitOf(source.windowCode))) add(target.key, delta);
  }
  for (const [id, counters] of expected) {
    for (const name of Object.keys(counters)) if (counters[name] === 0) delete counters[name];
    if (Object.keys(counters).length === 0) expected.delete(id);
  }
  return expected;
}

/** Is this item of the totals table a rollup (as opposed to a window-day item)? */
export function isRollupKey(key: { pk: string; sk: string }): boolean {
  return key.pk.startsWith(keys.unitTotalsPartition('')) || (key.pk.startsWith(WINDOW_PREFIX) && key.sk.startsWith('MONTH#'));
}

/** The plain attributes of a rollup item, from its key (what a repair sets on an item it creates). */
export function rollupAttributes(key: { pk: string; sk: string }): Record<string, string> {
  const [, period, channel] = /^(?:YEAR|MONTH|DAY)#([^#]+)(?:#(.+))?$/.exec(key.sk) ?? [];
  if (!period) throw new Error(`not a rollup key: ${key.pk} ${key.sk}`);
  const attributes: Record<string, string> = key.pk.startsWith(WINDOW_PREFIX)
    ? { windowCode: key.pk.slice(WINDOW_PREFIX.length) }
    : { unitId: key.pk.slice(keys.unitTotalsPartition('').length) };
  attributes[period.length === 4 ? 'year' : period.length === 7 ? 'month' : 'day'] = period;
  if (channel) attributes.channel = channel;
  return attributes;
}
