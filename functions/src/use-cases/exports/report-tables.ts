import { RATING_LEVEL_NAMES } from '#shared/domain/rating-level.js';
import type { Ranking, ReportCell, SatisfactionReport } from '#shared/contracts/reports.js';
import type { CaseMetricCell } from '#shared/domain/report-cases.js';
import { neutraliseCell } from '../accounts/audit-csv.js';

/**
 * The report as tables: what the XLSX sheets and the CSV sections print, built once so that both
 * carry the same cells. A cell is a number (kept a number: Excel sums it), a percentage (a
 * proportion, which both write as percent points with two decimals), or text. Every text cell goes
 * through `neutraliseCell` here, once, so no renderer can forget it: a unit named
 * `=HYPERLINK("http://x")` comes out as `'=HYPERLINK("http://x")`.
 */
export type TableValue = number | { percent: number } | string | null;

export interface ReportTable {
  /** Sheet name (XLSX) and section heading (CSV). */
  name: string;
  /**
   * `width` in character widths (a CJK character takes two); `wrap`: long text wraps within the
   * column rather than running off the printed page.
   */
  columns: { header: string; width?: number; percent?: boolean; wrap?: boolean }[];
  /** Made row by row as a renderer reads them, so 50,000 windows are never all in memory twice. */
  rows: Iterable<TableValue[]>;
  /** Lines printed under the rows, after an empty row (XLSX) or line (CSV): e.g. the attribution sentence under 按人员. */
  notes?: string[];
}

/** A column of a file table; `decimals`: the digits of a plain number (the XLSX number format, the CSV and PDF text). */
export interface FileColumn {
  header: string;
  /** Character widths in the XLSX; the PDF shares the page out in proportion. */
  width?: number;
  percent?: boolean;
  wrap?: boolean;
  decimals?: number;
}

/**
 * A table of the small reports (a 阳光测评 round's, a 民主评议 campaign's): rows held in memory,
 * written by the generic writers tables-xlsx.ts, tables-csv.ts and tables-pdf.ts. An empty row is
 * a gap between blocks.
 */
export interface FileTable extends Omit<ReportTable, 'columns' | 'rows'> {
  columns: FileColumn[];
  rows: TableValue[][];
}

/** What a suppressed cell prints instead of any number. */
export const SUPPRESSED_TEXT = { 'small-group': '<5', complementary: '已隐藏' } as const;
/** A rate that cannot be given: suppressed, or no ratings. */
export const NO_RATE = '—';

/** The context printed with every file: the 数据校验码 and when the file was made. */
export interface ExportStamp {
  /** SHA-256 of the canonical JSON of the report (数据校验码). */
  dataHash: string;
  /** UTC ISO instant the file was produced. */
  generatedAt: string;
}

export const LEVELS = [5, 4, 3, 2, 1] as const;

const text = (value: string): string => neutraliseCell(value);
const pct = (value: number | null | undefined): TableValue => (value === null || value === undefined ? NO_RATE : { percent: value });

/** China time, to the second: 2026-10-31 18:05:09 (北京时间). */
export function chinaTime(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

/** Percent points with two decimals, the way the page and the PDF print a rate: 0.92307 → "92.31%". */
export function percentText(value: number | null | undefined): string {
  return value === null || value === undefined ? NO_RATE : `${(value * 100).toFixed(2)}%`;
}

/** Header cells wrap (非常不满意(1) over two lines), so the number columns are as narrow as their numbers. */
export const CELL_COLUMNS: ReportTable['columns'] = [
  { header: '名称', width: 26, wrap: true },
  { header: '代码', width: 12 },
  { header: '评价数', width: 8 },
  ...LEVELS.map((level) => ({ header: `${RATING_LEVEL_NAMES[level].zh}(${level})`, width: 8 })),
  { header: '好评率', width: 8, percent: true },
  { header: '好评率下限', width: 8, percent: true },
  { header: '好评率上限', width: 8, percent: true },
  { header: '满意率', width: 8, percent: true },
  { header: '满意率下限', width: 8, percent: true },
  { header: '满意率上限', width: 8, percent: true },
  { header: '平均分', width: 8 },
  { header: '说明', width: 16, wrap: true },
];

/** One row of a breakdown; a suppressed cell prints its marker in every number column. */
export function cellRow(cell: ReportCell): TableValue[] {
  const head: TableValue[] = [text(cell.label), text(cell.key)];
  if (cell.suppressed) {
    const mark = SUPPRESSED_TEXT[cell.suppressed];
    const note = cell.suppressed === 'small-group' ? '少于5条，不显示' : '为防推算而隐藏';
    return [...head, mark, ...LEVELS.map(() => mark), NO_RATE, NO_RATE, NO_RATE, NO_RATE, NO_RATE, NO_RATE, NO_RATE, note];
  }
  return [
    ...head,
    cell.n,
    ...LEVELS.map((level) => cell.counts?.[level] ?? null),
    pct(cell.goodRate?.value),
    pct(cell.goodRate?.low),
    pct(cell.goodRate?.high),
    pct(cell.satisfiedRate?.value),
    pct(cell.satisfiedRate?.low),
    pct(cell.satisfiedRate?.high),
    cell.meanScore === null ? NO_RATE : round(cell.meanScore, 2),
    cell.n === 0 ? '无评价' : '',
  ];
}

export const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** A rate column's header says its unit: 满意率(%) holds 92.31 for 92.31%. */
export const columnHeader = (column: ReportTable['columns'][number]): string => (column.percent ? `${column.header}(%)` : column.header);

function* cellRows(cells: readonly ReportCell[]): Generator<TableValue[]> {
  for (const cell of cells) yield cellRow(cell);
}

function cellTable(name: string, cells: readonly ReportCell[], notes?: string[]): ReportTable {
  return { name, columns: CELL_COLUMNS, rows: cellRows(cells), ...(notes ? { notes } : {}) };
}

/** An attribution count as a cell prints it: the number, or the marker of its suppression. */
export function attributionValue(count: Pick<SatisfactionReport['attribution']['attributed'], 'n' | 'suppressed'>): number | string {
  return count.suppressed ? SUPPRESSED_TEXT[count.suppressed] : (count.n ?? SUPPRESSED_TEXT['small-group']);
}

/** What the 按人员 sheet says under its rows (docs/decisions/0012-attribution.md): how many ratings named a staff member. */
export function attributionNote(report: SatisfactionReport): string {
  return text(`说明：${report.attribution.text.zh}`);
}

const BASIS = { satisfied: '满意率', good: '好评率' } as const;

function rankingRows(ranking: Ranking, kind: string): TableValue[][] {
  const rows: TableValue[][] = ranking.rows.map((row) => [
    kind,
    row.rank,
    text(row.label),
    text(row.key),
    row.n,
    { percent: row.value },
    { percent: row.low },
    { percent: row.high },
    row.overlapsPrevious ? '差异不显著' : '',
  ]);
  for (const row of ranking.unranked) {
    rows.push([kind, '不排名', text(row.label), text(row.key), null, null, null, null, row.reason === 'below-min-n' ? '评价数低于最小样本量' : '小样本保护，已隐藏']);
  }
  return rows;
}

/** Label of the scope: the unit, and the window when the report is drilled down to one. */
export function scopeLabel(report: SatisfactionReport): string {
  return report.scope.window ? `${report.scope.name} / ${report.scope.window.name}` : report.scope.name;
}

/** The key facts of the report, printed at the top of the CSV and on the 汇总 sheet. */
export function headerBlock(report: SatisfactionReport, stamp: ExportStamp): [string, string][] {
  return [
    ['报告', '满意度评价报告'],
    ['范围', text(scopeLabel(report))],
    ['范围单位代码', text(report.scope.unitId)],
    ['期间', `${report.period.label.zh}（${report.period.from} 至 ${report.period.to}，北京时间）`],
    ['渠道', report.channel === 'all' ? '全部渠道' : '窗口二维码'],
    ['口径', text(`${report.definitions.name.zh}（${report.definitions.id}）`)],
    ['数据提取时间', `${chinaTime(report.extractedAt)}（北京时间）`],
    ['文件生成时间', `${chinaTime(stamp.generatedAt)}（北京时间）`],
    ['数据校验码', stamp.dataHash],
  ];
}

export function summaryTable(report: SatisfactionReport, stamp: ExportStamp): ReportTable & { rows: TableValue[][] } {
  const rows: TableValue[][] = headerBlock(report, stamp).map(([k, v]) => [k, v]);
  const s = report.summary;
  const mark = s.suppressed ? SUPPRESSED_TEXT[s.suppressed] : undefined;
  rows.push(['', '']);
  rows.push(['评价数', mark ?? s.n]);
  for (const level of LEVELS) rows.push([`${RATING_LEVEL_NAMES[level].zh}(${level})`, mark ?? s.counts?.[level] ?? null]);
  const rate = (name: string, r: ReportCell['goodRate']) => {
    rows.push([`${name}(%)`, mark ? NO_RATE : pct(r?.value)]);
    rows.push([`${name} 95%区间下限(%)`, mark ? NO_RATE : pct(r?.low)]);
    rows.push([`${name} 95%区间上限(%)`, mark ? NO_RATE : pct(r?.high)]);
  };
  rate('好评率', s.goodRate);
  rate('满意率', s.satisfiedRate);
  rows.push(['平均分', mark ? NO_RATE : s.meanScore === null ? NO_RATE : round(s.meanScore, 2)]);
  rows.push(['指明工作人员的评价数', attributionValue(report.attribution.attributed)]);
  // 可疑评价 are in none of the numbers above: their count, and what they are (0016-burst-detector.md).
  rows.push(['可疑评价数（单独统计）', attributionValue(report.suspect)]);
  rows.push(['可疑评价说明', text(report.suspect.text.zh)]);
  // 申诉成立: how many, and whether these definitions took them out (issue 15 §2).
  rows.push([report.appeals.upheldAppeals === 'excluded' ? '申诉成立评价数（不计入）' : '申诉成立评价数（照常计入）', attributionValue(report.appeals)]);
  rows.push(['申诉成立说明', text(report.appeals.text.zh)]);
  rows.push(['考核得分', report.assessment.points === null ? NO_RATE : round(report.assessment.points, 2)]);
  rows.push(['考核算式', text(report.assessment.arithmetic.zh)]);
  // Fits A4 portrait (~100 character widths): long values (期间, 考核算式, 可疑评价说明) wrap.
  return { name: '汇总', columns: [{ header: '项目', width: 24, wrap: true }, { header: '内容', width: 64, wrap: true }], rows };
}

export function reasonsTable(report: SatisfactionReport): ReportTable {
  return {
    name: '差评原因',
    columns: [{ header: '原因代码', width: 16 }, { header: '差评原因', width: 30, wrap: true }, { header: '次数', width: 8 }],
    rows: report.topReasons.map((reason) => [text(reason.code), text(reason.label.zh), reason.count]),
  };
}

export function rankingTable(report: SatisfactionReport): ReportTable {
  const basis = BASIS[report.rankings.windows.basis];
  return {
    name: '排名',
    columns: [
      { header: '对象', width: 8 },
      { header: '名次', width: 8 },
      { header: '名称', width: 28, wrap: true },
      { header: '代码', width: 14 },
      { header: '评价数', width: 9 },
      { header: basis, width: 10, percent: true },
      { header: '95%区间下限', width: 12, percent: true },
      { header: '95%区间上限', width: 12, percent: true },
      { header: '与上一名', width: 20, wrap: true },
    ],
    rows: [...rankingRows(report.rankings.units, '单位'), ...rankingRows(report.rankings.windows, '窗口')],
  };
}

/** 计算说明: the definitions, formulas, score map, minimum n, scheme and suppression rule. */
export function notesTable(report: SatisfactionReport, stamp: ExportStamp): ReportTable & { rows: TableValue[][] } {
  const d = report.definitions;
  const levels = (list: readonly number[]) => list.map((level) => `${RATING_LEVEL_NAMES[level as 1 | 2 | 3 | 4 | 5].zh}(${level})`).join('、');
  const scheme = report.assessment.scheme;
  const rows: [string, string][] = [
    ['口径', text(`${d.name.zh}（${d.id}${d.builtIn ? '，内置' : '，本地定义'}）`)],
    ['好评率定义', text(`${levels(d.good.levels)}计为好评；${d.good.formula.zh}`)],
    ['满意率定义', text(`${levels(d.satisfied.levels)}计为满意；${d.satisfied.formula.zh}`)],
    ['申诉成立的评价', d.upheldAppeals === 'excluded' ? '经上级单位申诉复核认定成立的评价不计入任何统计' : '经上级单位申诉复核认定成立的评价照常计入'],
    ['置信区间', 'Wilson 95% 置信区间（z = 1.96）'],
    ['平均分', `平均分 = Σ(各等级评价数 × 分值) ÷ 评价数；分值：${LEVELS.map((level, i) => `${RATING_LEVEL_NAMES[level].zh} ${report.scoreMap[i]}`).join('，')}`],
    ['最小样本量', `评价数少于 ${report.minN} 的单位或窗口不参与排名；两者区间重叠时标注“差异不显著”`],
    ['考核方案', `${BASIS[scheme.basis]}占考核 ${scheme.weight} 分：${BASIS[scheme.basis]} ${round(scheme.zeroAt * 100, 2)}% 得 0 分，${round(scheme.fullAt * 100, 2)}% 得满分，其间线性`],
    ['考核算式', text(report.assessment.arithmetic.zh)],
    ['小样本保护', text(report.suppression.rule.zh)],
    ['显示规则', `“${SUPPRESSED_TEXT['small-group']}”：评价数少于 ${report.suppression.k}，不显示数字和比率；“${SUPPRESSED_TEXT.complementary}”：为防止由其他数字相减推算出小样本（或推算出被隐藏的评价全部属于同一等级、全部好评或全部差评）而隐藏`],
    ['渠道', report.channel === 'all' ? '全部渠道' : '窗口二维码'],
    ['期间', `${report.period.label.zh}：${report.period.from} 至 ${report.period.to}（${report.timeZone}）`],
    ['数据来源', '按窗口、按日累计的评价总数（不读取单条评价）'],
    ['数据提取时间', `${chinaTime(report.extractedAt)}（北京时间；UTC ${report.extractedAt}）`],
    ['文件生成时间', `${chinaTime(stamp.generatedAt)}（北京时间）`],
    ['数据校验码', stamp.dataHash],
    ['校验方法', '数据校验码为报告数据（规范化 JSON，不含读取时间）的 SHA-256：同一数据多次下载，校验码相同；文件本身的 SHA-256 与数据校验码均可在 /verify 页面核验'],
    ['公式防护', '以 = + - @ 制表符或回车开头的文本前加单引号，防止被表格软件当作公式执行'],
    ...report.notes.map((note, i): [string, string] => [`附注 ${i + 1}`, text(note.zh)]),
  ];
  return { name: '计算说明', columns: [{ header: '项目', width: 16, wrap: true }, { header: '说明', width: 72, wrap: true }], rows };
}

/** A 差评整改 metric as a table prints it: the rate (%) or mean, or the marker of its suppression. */
export function caseMetricValue(metric: CaseMetricCell, kind: 'rate' | 'mean'): TableValue {
  if (metric.suppressed) return SUPPRESSED_TEXT[metric.suppressed];
  if (metric.value === null) return NO_RATE;
  return kind === 'rate' ? pct(metric.value) : round(metric.value, 1);
}

type CaseRow = NonNullable<SatisfactionReport['cases']>['summary'];

/**
 * 差评整改 (issue 15 §4): per row (the scope, each unit, each window) the cases opened and each
 * metric with its n; the definitions under the rows. Absent on a staff member's own report.
 */
export function caseMetricsTable(report: SatisfactionReport): ReportTable | undefined {
  const cases = report.cases;
  if (!cases) return undefined;
  const columns: ReportTable['columns'] = [
    { header: '对象', width: 8 },
    { header: '名称', width: 26, wrap: true },
    { header: '代码', width: 12 },
    { header: '差评数', width: 8 },
    ...cases.definitions.flatMap((d) => [
      { header: d.name.zh, width: 10, ...(d.kind === 'rate' ? { percent: true } : {}) },
      { header: `${d.name.zh} n`, width: 8 },
    ]),
  ];
  const row = (kind: string, cell: CaseRow): TableValue[] => [
    kind,
    text(cell.label),
    text(cell.key),
    cell.opened.suppressed ? SUPPRESSED_TEXT[cell.opened.suppressed] : cell.opened.n,
    ...cases.definitions.flatMap((d) => {
      const metric = cell.metrics[d.id];
      return [caseMetricValue(metric, d.kind), metric.suppressed ? SUPPRESSED_TEXT[metric.suppressed] : metric.n];
    }),
  ];
  return {
    name: '差评整改',
    columns,
    rows: [row('合计', cases.summary), ...cases.byUnit.map((cell) => row('单位', cell)), ...cases.byWindow.map((cell) => row('窗口', cell))],
    notes: [cases.note.zh, ...cases.definitions.map((d) => d.formula.zh)],
  };
}

/** Every table of the report, in the order of the XLSX sheets and the CSV sections. */
/** `extra`: tables that are not the report's own (the 评价留言 sheet, comments-table.ts), printed before 计算说明. */
export function reportTables(report: SatisfactionReport, stamp: ExportStamp, extra: readonly ReportTable[] = []): [ReportTable & { rows: TableValue[][] }, ...ReportTable[]] {
  return [
    summaryTable(report, stamp),
    cellTable('按单位', report.byUnit),
    cellTable('按窗口', report.byWindow),
    cellTable('按人员', report.byStaff, [attributionNote(report)]),
    cellTable('按服务事项', report.byServiceItem),
    cellTable('按月', report.trend),
    rankingTable(report),
    reasonsTable(report),
    ...(report.cases ? [caseMetricsTable(report)!] : []),
    ...extra,
    notesTable(report, stamp),
  ];
}
