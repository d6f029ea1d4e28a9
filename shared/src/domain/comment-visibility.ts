/**
 * Which comments (评价留言) a committee may read, in which order, one page at a time. Pure: the use
 * case reads the comment counters of the window-days and the texts of the days a page needs, and
 * this module decides (docs/decisions/0013-comments-feed.md).
 *
 * Visibility is decided per GROUP, the same whatever scope is asked, so that no two answers can be
 * subtracted to give a small group's comments:
 * - a group is one window's comments of one channel over the period;
 * - it is shown when it holds at least k (10) comments;
 * - the groups of the same unit's own windows (同一单位本级) that hold 1 … k − 1 comments each are
 *   pooled, and shown together when the pool holds at least k — in unit listings only, never when one
 *   window is asked (that would print a small group under the window's name).
 * Every listing is then a union of whole shown groups or pools. Example: 甲局 has window A with 12
 * comments and windows B and C with 4 and 3: A is shown, B + C (7) is not, so 甲局 lists A's 12 and
 * window A lists the same 12; asking for 甲局 and for A and subtracting gives nothing. Had 甲局 simply
 * listed all 19 because 19 ≥ 10, 甲局 minus A would print B's and C's 7 comments.
 */

/** The comment counters of one window-day: channel → comments. */
export interface WindowDayComments {
  windowCode: string;
  day: string;
  channels: Readonly<Record<string, number>>;
}

export interface CommentWindow {
  code: string;
  /** The unit the window belongs to directly: small groups pool within it. */
  unitId: string;
}

/** A group: one window's comments of one channel. */
export const commentGroup = (windowCode: string, channel: string): string => `${windowCode}|${channel}`;

/**
 * The groups whose comments may be shown. `pool`: whether small groups of the same unit pool
 * (listings of a unit subtree), or not (one window asked).
 */
export function visibleCommentGroups(windows: readonly CommentWindow[], days: readonly WindowDayComments[], k: number, options: { pool: boolean }): Set<string> {
  const unitOf = new Map(windows.map((w) => [w.code, w.unitId]));
  const totals = new Map<string, { unitId: string; channel: string; count: number }>();
  for (const day of days) {
    const unitId = unitOf.get(day.windowCode);
    if (unitId === undefined) continue;
    for (const [channel, count] of Object.entries(day.channels)) {
      if (!(count > 0)) continue;
      const key = commentGroup(day.windowCode, channel);
      const group = totals.get(key) ?? { unitId, channel, count: 0 };
      group.count += count;
      totals.set(key, group);
    }
  }
  const visible = new Set<string>();
  const pools = new Map<string, { keys: string[]; count: number }>();
  for (const [key, group] of totals) {
    if (group.count >= k) visible.add(key);
    else if (options.pool) {
      const poolKey = `${group.unitId}|${group.channel}`;
      const pool = pools.get(poolKey) ?? { keys: [], count: 0 };
      pool.keys.push(key);
      pool.count += group.count;
      pools.set(poolKey, pool);
    }
  }
  for (const pool of pools.values()) if (pool.count >= k) for (const key of pool.keys) visible.add(key);
  return visible;
}

/** A day with comments that may be shown: how many, and which window-days (and channels) hold them. */
export interface CommentDay {
  day: string;
  count: number;
  sources: { windowCode: string; channels: string[] }[];
}

/** The days with shown comments, newest first. */
export function commentDays(days: readonly WindowDayComments[], visible: ReadonlySet<string>): CommentDay[] {
  const byDay = new Map<string, CommentDay>();
  for (const day of days) {
    const channels = Object.entries(day.channels)
      .filter(([channel, count]) => count > 0 && visible.has(commentGroup(day.windowCode, channel)))
      .map(([channel]) => channel)
      .sort();
    if (channels.length === 0) continue;
    const entry = byDay.get(day.day) ?? { day: day.day, count: 0, sources: [] };
    entry.count += channels.reduce((sum, channel) => sum + day.channels[channel]!, 0);
    entry.sources.push({ windowCode: day.windowCode, channels });
    byDay.set(day.day, entry);
  }
  for (const entry of byDay.values()) entry.sources.sort((a, b) => (a.windowCode < b.windowCode ? -1 : a.windowCode > b.windowCode ? 1 : 0));
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
}

/** Where a page starts: the day, and how many of that day's comments (in their order) came before. */
export interface CommentPosition {
  day: string;
  offset: number;
}

/**
 * The days a page reads: from the start position, whole days until `limit` comments are covered
 * (a day is always read whole: its comments are sorted by text, and the page cuts that order).
 * `before`: how many shown comments come before the page ("51–100 of 450").
 */
export function daysOfPage(days: readonly CommentDay[], start: CommentPosition | undefined, limit: number): { read: CommentDay[]; before: number; next: string | undefined } {
  // A start day with no comments (any more) starts the page at the next older day that has some.
  let first = start ? days.findIndex((d) => d.day <= start.day) : 0;
  if (first < 0) first = days.length;
  const offset = start && days[first]?.day === start.day ? start.offset : 0;
  let before = offset;
  for (let i = 0; i < first; i++) before += days[i]!.count;
  const read: CommentDay[] = [];
  let covered = -offset;
  let i = first;
  while (i < days.length && covered < limit) {
    covered += days[i]!.count;
    read.push(days[i]!);
    i++;
  }
  return { read, before, next: days[i]?.day };
}

/** The order within a day: by text (Chinese collation, then code points), never by arrival. */
export function compareCommentText(a: string, b: string): number {
  return a.localeCompare(b, 'zh-CN') || (a < b ? -1 : a > b ? 1 : 0);
}

export interface ShownComment {
  day: string;
  text: string;
}

/**
 * The page itself, from the texts of the days read (newest day first): each day sorted by text,
 * the start offset skipped, `limit` taken. `nextDay` is the first day after those read (from
 * daysOfPage): where the following page starts when the days read run out.
 */
export function commentPage(
  read: readonly { day: string; texts: readonly string[] }[],
  start: CommentPosition | undefined,
  limit: number,
  nextDay: string | undefined,
): { comments: ShownComment[]; next: CommentPosition | undefined } {
  const comments: ShownComment[] = [];
  for (const { day, texts } of read) {
    const sorted = [...texts].sort(compareCommentText);
    const skip = start && start.day === day ? start.offset : 0;
    for (let i = skip; i < sorted.length; i++) {
      if (comments.length === limit) return { comments, next: { day, offset: i } };
      comments.push({ day, text: sorted[i]! });
    }
  }
  return { comments, next: nextDay === undefined ? undefined : { day: nextDay, offset: 0 } };
}

/** The rule, printed with every answer and export. */
export function commentsRule(k: number): { zh: string; en: string } {
  return {
    zh: `评价留言只显示内容和日期（北京时间），按日期倒序排列，同一天内按文字排序，不反映提交先后。某窗口本期留言满 ${k} 条才显示；同一单位本级各窗口不满 ${k} 条的留言合计满 ${k} 条时合并显示（查看单个窗口时不合并）。留言少于 ${k} 条，不予显示。`,
    en: `Comments show their text and China-time day only, newest day first and sorted by text within a day (never in the order they arrived). A window's comments are shown when it has at least ${k} in the period; a unit's own windows with fewer than ${k} each are shown together when they add up to ${k} or more (not when a single window is asked). Fewer than ${k} comments: none are shown.`,
  };
}
