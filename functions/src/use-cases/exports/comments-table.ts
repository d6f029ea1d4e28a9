import { neutraliseCell } from '../accounts/audit-csv.js';
import type { ReportTable, TableValue } from './report-tables.js';

/**
 * The 评价留言 sheet (XLSX) and section (CSV): day and text of each comment the feed shows for the
 * report's scope, period and channel, newest first (docs/decisions/0013-comments-feed.md). Fewer
 * than k comments in every group: the rule line only, no text. Texts are what residents typed, so
 * each goes through `neutraliseCell` like every other text cell: `=1+1` prints as `'=1+1`.
 * Comments are outside the 数据校验码 (it covers the query, the definitions and the numbers); the
 * file's own SHA-256 covers them.
 */
export interface ExportComments {
  k: number;
  /** No group reaches k: nothing is shown. */
  suppressed: boolean;
  /** Comments shown in all (the file may carry fewer: the newest `comments.length`). */
  total: number;
  comments: readonly { day: string; text: string }[];
  rule: string;
}

export const COMMENTS_SHEET = '评价留言';

export function commentsTable(feed: ExportComments): ReportTable & { rows: TableValue[][] } {
  const rows: TableValue[][] = [['说明', neutraliseCell(feed.rule)]];
  if (feed.suppressed) rows.push(['—', `留言少于 ${feed.k} 条，不予显示`]);
  else {
    rows.push(['条数', feed.comments.length < feed.total ? `共 ${feed.total} 条，本文件收录最新的 ${feed.comments.length} 条；其余可在报表页面翻页查看` : `共 ${feed.total} 条`]);
    for (const comment of feed.comments) rows.push([comment.day, neutraliseCell(comment.text)]);
  }
  return { name: COMMENTS_SHEET, columns: [{ header: '日期（北京时间）', width: 16, wrap: true }, { header: '留言', width: 72, wrap: true }], rows };
}
