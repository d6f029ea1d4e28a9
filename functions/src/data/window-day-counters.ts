import { emptyLevelCounts, totalCount, type LevelCounts } from '#shared/domain/level-counts.js';
import { RATING_LEVELS, type RatingLevel } from '#shared/domain/rating-level.js';
import { addCaseCounters, CASE_COUNTERS, type CaseCounter, type CaseCounters } from '#shared/domain/cases/case-metrics.js';

/**
 * The counters of the window-day totals items, as plain attribute name → count. Pure: the rating
 * transaction, the reader and `npm run recount` all use this one layout, so what is written, read
 * and recounted cannot disagree.
 *
 * One item per window, day and channel: `TOTALS#WINDOW#{code}` / `DAY#{day}#{channel}`
 * (docs/decisions/0018-totals-per-channel.md), so the 400 KB item bound holds per channel whatever
 * the number of channels, and a rating still updates ONE item. Its counters (one top-level
 * attribute per counter, so each rating is one ADD per counter in one UpdateExpression):
 *
 *   c{level}                          the item's ratings per level (its one channel; all channels in a
 *                                     legacy item). Kept per item so that the all-channel count of a
 *                                     window-day is the sum of its items' c{level}, whatever their
 *                                     layout, and so that the recount's guard has it
 *   {channel}|c|{level}               per channel, per level
 *   {channel}|at|{level}              ratings attributed to a staff member (the resident named who served them)
 *   {channel}|sv|{staffId}|{level}    per staff member named as having served the resident (at most one per rating)
 *   {channel}|si|{serviceItem}|{level} per service item name chosen; '' when none was chosen
 *   {channel}|rs|{reasonCode}         per 差评 reason given
 *   {channel}|cm|n                    ratings with a comment (评价留言); read only by the comments feed
 *                                     (data/rating-comments.ts), never by the report (0013-comments-feed.md)
 *   {channel}|sp|{level}              可疑评价: ratings past the burst threshold of their window's hour
 *                                     (0016-burst-detector.md). A suspect rating adds to this counter
 *                                     ONLY: not to c{level} nor any other, so no rate, breakdown or
 *                                     comment count includes it.
 *   {channel}|cs|{name}               差评整改 (issue 15 §4): the counters of the cases opened by the
 *                                     item's ratings (shared/src/domain/cases/case-metrics.ts,
 *                                     CASE_COUNTERS): `opened` and `named` added by the rating's
 *                                     transaction, the rest by each step (after − before). Not a
 *                                     rating's counter: ratingCounterNames never names one; the
 *                                     recount adds up the window-day's cases (caseCounterValues)
 *   ap:{counter}                      申诉成立 (issue 15 §2, decision 0028): when a reviewer upholds the
 *                                     appeal of a rating's case, the rating's own counters (every one
 *                                     above it added to, but the comment count) are added again under
 *                                     this prefix, in the step's transaction. The rating stays in its
 *                                     counters: a definition that excludes upheld appeals subtracts
 *                                     `ap:` from them, one that counts them reads them as they are,
 *                                     and both say how many there were. A suspect rating has no `ap:`
 *                                     counters: it is in no rate already.
 *
 * The channel prefix stays in the per-channel item: an item then reads the same whichever layout
 * wrote it, and the counter names of a window-day are unique across its items.
 *
 * Example: a level-2 rating by window QR that names staff s1 (s1 and s2 on duty), item "社保卡补办",
 * reason RUDE adds 1 to c2, window-qr|c|2, window-qr|at|2, window-qr|sv|s1|2, window-qr|si|社保卡补办|2,
 * window-qr|rs|RUDE of the item `DAY#{day}#window-qr`. The same rating with 不确定 adds no at and no
 * sv counter: s2 is never counted.
 *
 * Legacy layouts, read until `npm run recount` has migrated them:
 * - `DAY#{day}` (before 0018): one item for all channels, the same counter names. Read as the sum
 *   of its channels; the recount moves it into per-channel items and deletes it.
 * - items written before issue 4 have only c1 … c5: counted as window QR, with no breakdown.
 * - `{channel}|st|{staffId}|{level}` counted a rating for EVERY staff member on duty (before
 *   docs/decisions/0012-attribution.md). Nothing writes or reads it any more; it is still a counter
 *   name, so `npm run recount` sees it as drift (recounted 0) and removes it. A new name rather than
 *   a new meaning for `st`, so that an item not yet recounted can never show on-duty counts as
 *   attributions.
 */

/**
 * The channels a rating arrives by. Names are `[a-z][a-z0-9-]*` (CHANNEL_NAME): they are part of
 * the sort key, and the day-range Query (pattern 6) relies on each character sorting below `~`.
 */
export const RATING_CHANNELS = ['window-qr', 'service-record', 'sampling'] as const;
export type RatingChannel = (typeof RATING_CHANNELS)[number];
export const CHANNEL_NAME = /^[a-z][a-z0-9-]*$/;
/** What a legacy item with only c1 … c5 (before issue 4) counts as: every rating then came by window QR. */
export const LEGACY_CHANNEL: RatingChannel = 'window-qr';

/** The breakdowns of one channel's ratings of one window-day (committee reports, issue 4). */
export interface DimensionTotals {
  counts: LevelCounts;
  /** Ratings that named the staff member who served the resident (the sum of `staff`). */
  attributed: LevelCounts;
  /** Per staff id the resident named as having served them; a rating counts for at most one. */
  staff: Record<string, LevelCounts>;
  /** Per service item name the resident chose; '' for ratings without one. */
  serviceItems: Record<string, LevelCounts>;
  /** 差评 reason code → number of ratings that gave it. */
  reasons: Record<string, number>;
  /** 可疑评价 per level: counted apart, in none of the above (0016-burst-detector.md). */
  suspect: LevelCounts;
  /** 差评整改: the counters of the cases these ratings opened (`{channel}|cs|{name}`); {} when none. */
  cases: CaseCounters;
  /**
   * On a year rollup only (decision 0031): `counts` split by month, keyed `MM` (`{channel}|mo|{MM}|{level}`),
   * for the report's trend. Absent on every other item.
   */
  months?: Record<string, LevelCounts>;
}

/** What the totals count of a rating: nothing else of it reaches the totals item. */
export interface CountedRating {
  level: RatingLevel;
  channel: RatingChannel;
  /** The staff member the resident named; absent for 不确定 and for ratings stored before attribution. */
  servedBy?: string | undefined;
  serviceItem?: string | undefined;
  reasons?: readonly string[] | undefined;
  /** The comment, if any: only whether there is one is counted (`{channel}|cm|n`). */
  comment?: string | undefined;
  /** 可疑评价 (burst detector): counted apart, in `{channel}|sp|{level}` only. */
  suspect?: boolean | undefined;
  /** 申诉成立: its case's appeal was upheld; its counters again under `ap:` (not for a suspect rating). */
  appealUpheld?: boolean | undefined;
}

export type Counters = Record<string, number>;

export const counterName = {
  level: (level: RatingLevel) => `c${level}`,
  channelLevel: (channel: RatingChannel, level: RatingLevel) => `${channel}|c|${level}`,
  attributed: (channel: RatingChannel, level: RatingLevel) => `${channel}|at|${level}`,
  staff: (channel: RatingChannel, staffId: string, level: RatingLevel) => `${channel}|sv|${staffId}|${level}`,
  serviceItem: (channel: RatingChannel, name: string, level: RatingLevel) => `${channel}|si|${name}|${level}`,
  reason: (channel: RatingChannel, code: string) => `${channel}|rs|${code}`,
  comments: (channel: RatingChannel) => `${channel}|cm|n`,
  suspect: (channel: RatingChannel, level: RatingLevel) => `${channel}|sp|${level}`,
  caseCounter: (channel: RatingChannel, name: CaseCounter) => `${channel}|cs|${name}`,
  upheld: (name: string) => `${UPHELD_PREFIX}${name}`,
  /** A year rollup's month split of `{channel}|c|{level}` (decision 0031); `month` is MM. */
  monthLevel: (channel: string, month: string, level: RatingLevel | string) => `${channel}|mo|${month}|${level}`,
} as const;

/** The prefix of the 申诉成立 counters: `ap:c2`, `ap:window-qr|c|2`, … */
export const UPHELD_PREFIX = 'ap:';

/**
 * The counters an upheld appeal adds 1 to: the rating's own (as ratingCounterNames, without the
 * comment count) under `ap:`. None for a suspect rating, which counts in no rate already.
 */
export function upheldCounterNames(rating: CountedRating): string[] {
  if (rating.suspect) return [];
  const comments = counterName.comments(rating.channel);
  return ratingCounterNames({ ...rating, appealUpheld: false })
    .filter((name) => name !== comments)
    .map(counterName.upheld);
}

/** The counters one rating adds 1 to; no name twice (a counter can be ADDed once per expression). */
export function ratingCounterNames(rating: CountedRating): string[] {
  const { level, channel } = rating;
  if (rating.suspect) return [counterName.suspect(channel, level)];
  const names = [counterName.level(level), counterName.channelLevel(channel, level)];
  if (rating.servedBy !== undefined) names.push(counterName.attributed(channel, level), counterName.staff(channel, rating.servedBy, level));
  names.push(counterName.serviceItem(channel, rating.serviceItem ?? '', level));
  for (const code of new Set(rating.reasons ?? [])) names.push(counterName.reason(channel, code));
  if (rating.comment) names.push(counterName.comments(channel));
  if (rating.appealUpheld) names.push(...upheldCounterNames(rating));
  return names;
}

/** The counters raw ratings add up to: what the totals item must hold. Zero counters are absent. */
export function recountCounters(ratings: Iterable<CountedRating>): Counters {
  const counters: Counters = {};
  for (const rating of ratings) {
    for (const name of ratingCounterNames(rating)) counters[name] = (counters[name] ?? 0) + 1;
  }
  return counters;
}

const LEVEL_NAME = /^c[1-5]$/;
/** `st` is the legacy on-duty counter: still a counter (so the recount removes it), never read. */
const CHANNEL_COUNTER = /^([a-z][a-z0-9-]*)\|(c|at|sv|st|si|rs|cm|sp|cs|mo)\|/;

/** Is this attribute of a totals item a counter (as opposed to pk, sk, windowCode, day)? */
export function isCounterName(name: string): boolean {
  const own = name.startsWith(UPHELD_PREFIX) ? name.slice(UPHELD_PREFIX.length) : name;
  return LEVEL_NAME.test(own) || CHANNEL_COUNTER.test(own);
}

/** The counters of a stored totals item; zero counters are dropped so that 0 and absent compare equal. */
export function countersOfItem(item: Record<string, unknown> | undefined): Counters {
  const counters: Counters = {};
  for (const [name, value] of Object.entries(item ?? {})) {
    if (!isCounterName(name)) continue;
    const count = Number(value);
    if (count !== 0) counters[name] = count;
  }
  return counters;
}

export interface CounterDrift {
  name: string;
  stored: number;
  recounted: number;
}

/** Every counter whose stored value differs from the recount, sorted by name (stable output). */
export function compareCounters(stored: Counters, recounted: Counters): CounterDrift[] {
  const drift: CounterDrift[] = [];
  for (const name of new Set([...Object.keys(stored), ...Object.keys(recounted)])) {
    const s = stored[name] ?? 0;
    const r = recounted[name] ?? 0;
    if (s !== r) drift.push({ name, stored: s, recounted: r });
  }
  return drift.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isLevel(text: string): text is `${RatingLevel}` {
  return /^[1-5]$/.test(text);
}

function isChannel(text: string): text is RatingChannel {
  return (RATING_CHANNELS as readonly string[]).includes(text);
}

/** All-channel level counts (c1 … c5). */
export function levelCountsOf(counters: Counters): LevelCounts {
  const counts = emptyLevelCounts();
  for (const level of RATING_LEVELS) counts[level] = counters[counterName.level(level)] ?? 0;
  return counts;
}

/**
 * Per-channel breakdowns; undefined when the item has none (written before issue 4 and not yet
 * recounted). Ids and names may contain '|': the level is after the last one.
 */
export function channelsOf(counters: Counters): Partial<Record<RatingChannel, DimensionTotals>> | undefined {
  const channels: Partial<Record<RatingChannel, DimensionTotals>> = {};
  const dimension = (channel: RatingChannel) => (channels[channel] ??= newDimensionTotals());
  let any = false;
  for (const [name, count] of Object.entries(counters)) {
    const match = CHANNEL_COUNTER.exec(name);
    if (!match || !isChannel(match[1]!)) continue;
    const channel = match[1];
    const rest = name.slice(match[0].length);
    const kind = match[2];
    if (kind === 'st') continue;
    if (kind === 'mo') {
      const [month, level] = rest.split('|');
      if (month && level && isLevel(level)) ((dimension(channel).months ??= {})[month] ??= emptyLevelCounts())[Number(level) as RatingLevel] = count;
      any = true;
      continue;
    }
    if (kind === 'rs') {
      dimension(channel).reasons[rest] = count;
      any = true;
      continue;
    }
    if (kind === 'cs') {
      if (isCaseCounter(rest)) {
        dimension(channel).cases[rest] = count;
        any = true;
      }
      continue;
    }
    const cut = rest.lastIndexOf('|');
    const whole = kind === 'c' || kind === 'at' || kind === 'sp';
    const level = whole ? rest : rest.slice(cut + 1);
    if (!isLevel(level) || (!whole && cut < 0)) continue;
    const target = dimension(channel);
    const lvl = Number(level) as RatingLevel;
    if (kind === 'c') target.counts[lvl] = count;
    else if (kind === 'at') target.attributed[lvl] = count;
    else if (kind === 'sp') target.suspect[lvl] = count;
    else {
      const map = kind === 'sv' ? target.staff : target.serviceItems;
      (map[rest.slice(0, cut)] ??= emptyLevelCounts())[lvl] = count;
    }
    any = true;
  }
  return any ? channels : undefined;
}

const CHANNEL_SET: ReadonlySet<string> = new Set(RATING_CHANNELS);

function newDimensionTotals(): DimensionTotals {
  return { counts: emptyLevelCounts(), attributed: emptyLevelCounts(), staff: {}, serviceItems: {}, reasons: {}, suspect: emptyLevelCounts(), cases: {} };
}

/**
 * `levelCountsOf(countersOfItem(item))` and `channelsOf(countersOfItem(item))` in one pass without
 * regular expressions or an intermediate object: the report reader calls it for every one of up
 * to W × D items (31,000 for a monthly report of 1,000 windows), where the two-step version cost
 * ~0.5 s. It reads plain numbers and, as the totals reader passes them, DynamoDB attribute values
 * (`{ N: '3' }`) as they come off the wire. The unit test checks it against the two-step version.
 */
export function totalsOfItem(item: Record<string, unknown>): ItemTotals {
  const counts = emptyLevelCounts();
  let channels: Partial<Record<RatingChannel, DimensionTotals>> | undefined;
  /** The `ap:` counters (申诉成立), rare: read apart, the same way, after the loop. */
  let upheld: Record<string, unknown> | undefined;
  for (const name in item) {
    const raw = item[name];
    if (name.charCodeAt(0) === 97 /* a */ && name.startsWith(UPHELD_PREFIX)) {
      (upheld ??= {})[name.slice(UPHELD_PREFIX.length)] = raw;
      continue;
    }
    const count = typeof raw === 'number' ? raw : typeof raw === 'object' && raw !== null ? Number((raw as { N?: string }).N) : Number(raw);
    if (count === 0 || Number.isNaN(count)) continue;
    if (name.length === 2 && name.charCodeAt(0) === 99 /* c */) {
      const level = name.charCodeAt(1) - 48;
      if (level >= 1 && level <= 5) counts[level as RatingLevel] = count;
      continue;
    }
    const bar = name.indexOf('|');
    if (bar <= 0) continue;
    const channel = name.slice(0, bar);
    if (!CHANNEL_SET.has(channel)) continue;
    const kindEnd = name.indexOf('|', bar + 1);
    if (kindEnd < 0) continue;
    const kind = name.slice(bar + 1, kindEnd);
    const rest = name.slice(kindEnd + 1);
    // No closure in this loop: a function created per attribute showed up in the profile.
    if (kind === 'rs') {
      channels ??= {};
      (channels[channel as RatingChannel] ??= newDimensionTotals()).reasons[rest] = count;
      continue;
    }
    if (kind === 'cs') {
      if (!isCaseCounter(rest)) continue;
      channels ??= {};
      (channels[channel as RatingChannel] ??= newDimensionTotals()).cases[rest] = count;
      continue;
    }
    if (kind === 'mo') {
      // A year rollup's split of its counts by month (`{channel}|mo|{MM}|{level}`, decision 0031).
      const level = rest.length === 4 ? rest.charCodeAt(3) - 48 : 0;
      if (level < 1 || level > 5 || rest.charCodeAt(2) !== 124 /* | */) continue;
      channels ??= {};
      const target = (channels[channel as RatingChannel] ??= newDimensionTotals());
      ((target.months ??= {})[rest.slice(0, 2)] ??= emptyLevelCounts())[level as RatingLevel] = count;
      continue;
    }
    // 'st' (the legacy on-duty counter) is skipped here: see the layout above.
    if (kind !== 'c' && kind !== 'at' && kind !== 'sv' && kind !== 'si' && kind !== 'sp') continue;
    const whole = kind === 'c' || kind === 'at' || kind === 'sp';
    const cut = rest.lastIndexOf('|');
    const levelText = whole ? rest : rest.slice(cut + 1);
    if (levelText.length !== 1 || (!whole && cut < 0)) continue;
    const level = levelText.charCodeAt(0) - 48;
    if (level < 1 || level > 5) continue;
    channels ??= {};
    const target = (channels[channel as RatingChannel] ??= newDimensionTotals());
    if (kind === 'c') target.counts[level as RatingLevel] = count;
    else if (kind === 'at') target.attributed[level as RatingLevel] = count;
    else if (kind === 'sp') target.suspect[level as RatingLevel] = count;
    else {
      const map = kind === 'sv' ? target.staff : target.serviceItems;
      (map[rest.slice(0, cut)] ??= emptyLevelCounts())[level as RatingLevel] = count;
    }
  }
  const own: ItemTotals = channels ? { counts, channels } : { counts };
  if (upheld) {
    const { upheld: _none, ...excluded } = totalsOfItem(upheld);
    if (totalCount(excluded.counts) > 0) own.upheld = excluded;
  }
  return own;
}

/** Adds `source` into `target` in place (copies objects of `source` on first sight). */
function addLevels(target: LevelCounts, source: LevelCounts): void {
  for (const level of RATING_LEVELS) target[level] += source[level];
}

function addDimension(target: DimensionTotals, source: DimensionTotals): void {
  addLevels(target.counts, source.counts);
  addLevels(target.attributed, source.attributed);
  addLevels(target.suspect, source.suspect);
  for (const [map, from] of [[target.staff, source.staff], [target.serviceItems, source.serviceItems]] as const) {
    for (const key in from) {
      const into = map[key];
      if (into) addLevels(into, from[key]!);
      else map[key] = { ...from[key]! };
    }
  }
  for (const code in source.reasons) target.reasons[code] = (target.reasons[code] ?? 0) + source.reasons[code]!;
  addCaseCounters(target.cases, source.cases);
  if (source.months) {
    const months = (target.months ??= {});
    for (const month in source.months) {
      const into = months[month];
      if (into) addLevels(into, source.months[month]!);
      else months[month] = { ...source.months[month]! };
    }
  }
}

export interface ItemTotals {
  counts: LevelCounts;
  channels?: Partial<Record<RatingChannel, DimensionTotals>>;
  /**
   * 申诉成立: the part of the above whose appeal was upheld (the `ap:` counters), absent when none.
   * Included in counts and channels; a definition that excludes upheld appeals subtracts it.
   */
  upheld?: Omit<ItemTotals, 'upheld'>;
}

/**
 * The totals of one window-day from the `totalsOfItem` of each of its items (one per channel, and
 * the legacy combined item until the recount has migrated it): level counts are summed (each
 * item's c{level} counts its own ratings), breakdowns merged per channel. Only when some item has
 * breakdowns and a legacy item has none (c1 … c5 only) are that item's counts added to window QR's
 * counts, so that a report on one channel still counts them, as it does when that item is alone.
 */
export function mergeItemTotals(parts: readonly ItemTotals[]): ItemTotals {
  if (parts.length === 1) return parts[0]!;
  const upheld = parts.filter((part) => part.upheld).map((part) => part.upheld!);
  const merged = mergeLevelsAndChannels(parts);
  if (upheld.length > 0) merged.upheld = mergeLevelsAndChannels(upheld);
  return merged;
}

function mergeLevelsAndChannels(parts: readonly ItemTotals[]): ItemTotals {
  if (parts.length === 1) return { counts: parts[0]!.counts, ...(parts[0]!.channels ? { channels: parts[0]!.channels } : {}) };
  const counts = emptyLevelCounts();
  let channels: Partial<Record<RatingChannel, DimensionTotals>> | undefined;
  for (const part of parts) {
    addLevels(counts, part.counts);
    if (!part.channels) continue;
    channels ??= {};
    for (const [channel, dimension] of Object.entries(part.channels) as [RatingChannel, DimensionTotals][]) {
      addDimension((channels[channel] ??= newDimensionTotals()), dimension);
    }
  }
  if (!channels) return { counts };
  for (const part of parts) if (!part.channels) addLevels((channels[LEGACY_CHANNEL] ??= newDimensionTotals()).counts, part.counts);
  return { counts, channels };
}

/**
 * Which channel's item a counter belongs to: `{channel}|…` counters by their prefix, undefined for
 * c{level} (in every item) and for names of no known channel.
 */
export function channelOfCounter(name: string): RatingChannel | undefined {
  const match = CHANNEL_COUNTER.exec(name.startsWith(UPHELD_PREFIX) ? name.slice(UPHELD_PREFIX.length) : name);
  return match && isChannel(match[1]!) ? match[1] : undefined;
}

/**
 * Recounted counters of a window-day (recountCounters) split into the per-channel items that must
 * hold them: each channel's `{channel}|…` counters, and c{level} = its `{channel}|c|{level}`.
 */
export function countersByChannel(counters: Counters): Map<RatingChannel, Counters> {
  const byChannel = new Map<RatingChannel, Counters>();
  for (const [name, count] of Object.entries(counters)) {
    const channel = channelOfCounter(name);
    if (!channel || count === 0) continue;
    let item = byChannel.get(channel);
    if (!item) byChannel.set(channel, (item = {}));
    item[name] = count;
  }
  for (const [channel, item] of byChannel) {
    for (const level of RATING_LEVELS) {
      const count = item[counterName.channelLevel(channel, level)];
      if (count) item[counterName.level(level)] = count;
      const upheld = item[counterName.upheld(counterName.channelLevel(channel, level))];
      if (upheld) item[counterName.upheld(counterName.level(level))] = upheld;
    }
  }
  return byChannel;
}

/**
 * The counters of an item that every rating written to it changes: each rating ADDs 1 to exactly
 * one of them (c{level}, or `{channel}|sp|{level}` when suspect), and each upheld appeal to one
 * `ap:c{level}`. The recount's repair is conditional on these being as read. A legacy item
 * (`channel` undefined) held every channel.
 */
export function guardCounterNames(channel: RatingChannel | undefined): string[] {
  const names = RATING_LEVELS.flatMap((level) => [counterName.level(level), counterName.upheld(counterName.level(level))]);
  for (const each of channel ? [channel] : RATING_CHANNELS) {
    for (const level of RATING_LEVELS) names.push(counterName.suspect(each, level));
    // A case's step changes some of its counters and no rating counter: all of them guard.
    for (const name of CASE_COUNTERS) names.push(counterName.caseCounter(each, name));
  }
  return names;
}

const CASE_COUNTER_SET: ReadonlySet<string> = new Set(CASE_COUNTERS);
function isCaseCounter(name: string): name is CaseCounter {
  return CASE_COUNTER_SET.has(name);
}

/** A case's counters (or a step's difference) as the counter names of its rating's channel item. */
export function caseCounterValues(channel: RatingChannel, counters: Readonly<CaseCounters>): Counters {
  const values: Counters = {};
  for (const name of CASE_COUNTERS) {
    const value = counters[name];
    if (value) values[counterName.caseCounter(channel, name)] = value;
  }
  return values;
}
