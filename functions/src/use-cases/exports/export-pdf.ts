import PDFDocument from 'pdfkit';
import type { Ranking, RankingRow, ReportCell, SatisfactionReport } from '#shared/contracts/reports.js';
import { RATING_LEVEL_NAMES } from '#shared/domain/rating-level.js';
import type { PosterFont } from '../posters/poster-font.js';
import type { CaseMetricCell } from '#shared/domain/report-cases.js';
import { caseMetricValue, chinaTime, LEVELS, NO_RATE, notesTable, percentText, scopeLabel, SUPPRESSED_TEXT, type ExportStamp } from './report-tables.js';
import { stampFooters } from './pdf-footers.js';

/**
 * The report as a Chinese PDF (A4): summary and assessment, charts (distribution per level, trend
 * by month, rankings with their 95% intervals), tables of units, windows and staff, and the
 * 计算说明. The 数据校验码 is in the footer of every page.
 *
 * A PDF is for reading, the XLSX is for working: past PDF_FULL_LIST rows a table prints the top
 * and bottom PDF_EDGE_ROWS of its ranking and says where the full list is, so a 5,000-window
 * report stays a readable document (and renders in well under a second); the XLSX and CSV have
 * every row (docs/decisions/0008-reports-and-exports.md).
 */
export const PDF_FULL_LIST = 120;
export const PDF_EDGE_ROWS = 30;
const CHART_ROWS = 15;

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 40;
const FOOTER = 28;
const WIDTH = A4.width - 2 * MARGIN;
const INK = '#1a1a1a';
const MUTED = '#666666';
const BAR = '#2f6fb0';
const WHISKER = '#1a1a1a';

type Doc = PDFKit.PDFDocument;

export function reportPdf(report: SatisfactionReport, stamp: ExportStamp, font: PosterFont): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER },
    bufferPages: true,
    info: { Title: `满意度评价报告 ${scopeLabel(report)} ${report.period.label.zh}`, Producer: 'Manyi', CreationDate: new Date(stamp.generatedAt) },
    font: font.path,
  });
  doc.registerFont('cjk', font.path, font.family);
  doc.font('cjk');
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  cover(doc, report);
  // 可疑评价 are in none of the numbers: say how many there were (0016-burst-detector.md).
  line(doc, report.suspect.text.zh, 8.5, MUTED);
  // 申诉成立: nothing disappears silently (issue 15 §2).
  line(doc, report.appeals.text.zh, 8.5, MUTED);
  distributionChart(doc, report.summary);
  trendChart(doc, report.trend);
  rankingChart(doc, '单位排名', report.rankings.units, report.minN);
  rankingChart(doc, '窗口排名', report.rankings.windows, report.minN);
  cellTable(doc, '按单位', report.byUnit, report.rankings.units);
  cellTable(doc, '按窗口', report.byWindow, report.rankings.windows);
  cellTable(doc, '按人员', report.byStaff);
  // Staff rows count only the ratings that named someone: say how many did (docs/decisions/0012-attribution.md).
  if (report.byStaff.length === 0) heading(doc, '按人员（0 个）');
  line(doc, `说明：${report.attribution.text.zh}`, 8.5, MUTED);
  cellTable(doc, '按服务事项', report.byServiceItem);
  reasons(doc, report);
  caseMetrics(doc, report);
  notes(doc, report, stamp);
  stampFooters(doc, stamp, { margin: MARGIN, width: WIDTH, pageHeight: A4.height, color: MUTED });
  doc.end();
  return done;
}

function heading(doc: Doc, text: string, size = 13): void {
  ensureSpace(doc, size * 3);
  doc.moveDown(0.6).fontSize(size).fillColor(INK).text(text, MARGIN, undefined, { width: WIDTH });
  doc.moveDown(0.3);
}

function line(doc: Doc, text: string, size = 9.5, color = INK): void {
  doc.fontSize(size).fillColor(color).text(text, MARGIN, undefined, { width: WIDTH });
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > A4.height - MARGIN - FOOTER) doc.addPage();
}

const countText = (cell: ReportCell, value: number | null | undefined) => (cell.suppressed ? SUPPRESSED_TEXT[cell.suppressed] : String(value ?? 0));
const rateText = (cell: ReportCell, rate: ReportCell['goodRate']) =>
  cell.suppressed || !rate || rate.value === null ? NO_RATE : `${percentText(rate.value)}（95%区间 ${percentText(rate.low)}–${percentText(rate.high)}）`;

function cover(doc: Doc, report: SatisfactionReport): void {
  doc.fontSize(20).fillColor(INK).text('满意度评价报告', MARGIN, MARGIN, { width: WIDTH, align: 'center' });
  doc.moveDown(0.5);
  line(doc, `范围：${scopeLabel(report)}`, 11);
  line(doc, `期间：${report.period.label.zh}（${report.period.from} 至 ${report.period.to}，北京时间）`, 11);
  line(doc, `渠道：${report.channel === 'all' ? '全部渠道' : '窗口二维码'}    口径：${report.definitions.name.zh}（${report.definitions.id}）`, 11);
  line(doc, `数据提取时间：${chinaTime(report.extractedAt)}（北京时间）`, 11);
  heading(doc, '汇总');
  const s = report.summary;
  line(doc, `评价数：${countText(s, s.n)}`, 11);
  line(doc, LEVELS.map((level) => `${RATING_LEVEL_NAMES[level].zh} ${countText(s, s.counts?.[level])}`).join('　'), 10);
  line(doc, `好评率：${rateText(s, s.goodRate)}`, 11);
  line(doc, `满意率：${rateText(s, s.satisfiedRate)}`, 11);
  line(doc, `平均分：${s.suppressed || s.meanScore === null ? NO_RATE : s.meanScore.toFixed(2)}`, 11);
  line(doc, `考核得分：${report.assessment.points === null ? NO_RATE : `${report.assessment.points.toFixed(2)} 分`}`, 11);
  line(doc, `考核算式：${report.assessment.arithmetic.zh}`, 9.5, MUTED);
}

/** Count per level as horizontal bars. */
function distributionChart(doc: Doc, cell: ReportCell): void {
  heading(doc, '评价分布（各等级评价数）');
  const rowH = 16;
  ensureSpace(doc, rowH * 5 + 10);
  const top = doc.y;
  const labelW = 80;
  const barW = WIDTH - labelW - 60;
  const max = Math.max(1, ...LEVELS.map((level) => cell.counts?.[level] ?? 0));
  LEVELS.forEach((level, i) => {
    const y = top + i * rowH;
    doc.fontSize(9).fillColor(INK).text(`${RATING_LEVEL_NAMES[level].zh}(${level})`, MARGIN, y + 3, { width: labelW, lineBreak: false });
    if (cell.suppressed) {
      doc.text(SUPPRESSED_TEXT[cell.suppressed], MARGIN + labelW, y + 3, { lineBreak: false });
      return;
    }
    const count = cell.counts?.[level] ?? 0;
    const w = (count / max) * barW;
    if (w > 0) doc.rect(MARGIN + labelW, y + 2, w, rowH - 5).fill(BAR);
    doc.fillColor(INK).text(String(count), MARGIN + labelW + w + 4, y + 3, { lineBreak: false });
  });
  doc.y = top + rowH * 5 + 4;
  doc.x = MARGIN;
}

/** 满意率 by month: bars with 95% interval whiskers; a suppressed month prints its marker. */
function trendChart(doc: Doc, trend: readonly ReportCell[]): void {
  heading(doc, '月度趋势（满意率及95%区间）');
  const height = 130;
  ensureSpace(doc, height + 30);
  const top = doc.y;
  const axisX = MARGIN + 30;
  const plotW = WIDTH - 30;
  const bottom = top + height;
  doc.lineWidth(0.5).strokeColor(MUTED);
  for (const tick of [0, 0.5, 1]) {
    const y = bottom - tick * height;
    doc.moveTo(axisX, y).lineTo(axisX + plotW, y).stroke();
    doc.fontSize(7).fillColor(MUTED).text(`${tick * 100}%`, MARGIN, y - 4, { width: 26, align: 'right', lineBreak: false });
  }
  const slot = plotW / Math.max(1, trend.length);
  const barW = Math.min(30, slot * 0.6);
  trend.forEach((cell, i) => {
    const cx = axisX + slot * (i + 0.5);
    doc.fontSize(7).fillColor(INK).text(cell.key, cx - slot / 2, bottom + 3, { width: slot, align: 'center', lineBreak: false });
    const rate = cell.satisfiedRate;
    if (cell.suppressed || !rate || rate.value === null) {
      const mark = cell.suppressed ? SUPPRESSED_TEXT[cell.suppressed] : NO_RATE;
      doc.text(mark, cx - slot / 2, bottom - 12, { width: slot, align: 'center', lineBreak: false });
      return;
    }
    doc.rect(cx - barW / 2, bottom - rate.value * height, barW, rate.value * height).fill(BAR);
    whisker(doc, cx, bottom - (rate.high ?? rate.value) * height, bottom - (rate.low ?? rate.value) * height, 'vertical');
    doc.fontSize(7).fillColor(INK).text(percentText(rate.value), cx - slot / 2, bottom - (rate.high ?? rate.value) * height - 10, { width: slot, align: 'center', lineBreak: false });
  });
  doc.y = bottom + 16;
  doc.x = MARGIN;
}

function whisker(doc: Doc, at: number, from: number, to: number, direction: 'vertical' | 'horizontal'): void {
  doc.lineWidth(0.8).strokeColor(WHISKER);
  if (direction === 'vertical') {
    doc.moveTo(at, from).lineTo(at, to).moveTo(at - 3, from).lineTo(at + 3, from).moveTo(at - 3, to).lineTo(at + 3, to).stroke();
  } else {
    doc.moveTo(from, at).lineTo(to, at).moveTo(from, at - 3).lineTo(from, at + 3).moveTo(to, at - 3).lineTo(to, at + 3).stroke();
  }
}

/** The ranked rows a chart or table shows: all of them, or the top and the bottom of a long list. */
function edges<T>(rows: readonly T[], full: number, edge: number): { rows: T[]; skipped: number } {
  if (rows.length <= full) return { rows: [...rows], skipped: 0 };
  return { rows: [...rows.slice(0, edge), ...rows.slice(-edge)], skipped: rows.length - 2 * edge };
}

/** A ranking as dots with 95% interval whiskers on a shared axis; "差异不显著" where intervals overlap. */
function rankingChart(doc: Doc, title: string, ranking: Ranking, minN: number): void {
  const basis = ranking.basis === 'satisfied' ? '满意率' : '好评率';
  heading(doc, `${title}（${basis}及95%区间；评价数少于 ${minN} 的不排名）`);
  if (ranking.rows.length === 0) {
    line(doc, '无可排名对象', 9.5, MUTED);
    return;
  }
  const { rows, skipped } = edges(ranking.rows, CHART_ROWS * 2, CHART_ROWS);
  const rowH = 13;
  const labelW = 170;
  const noteW = 70;
  const plotX = MARGIN + labelW;
  const plotW = WIDTH - labelW - noteW;
  const lowest = Math.min(...rows.map((row) => row.low));
  const axisMin = Math.max(0, Math.floor(lowest * 10) / 10);
  const x = (value: number) => plotX + ((value - axisMin) / (1 - axisMin)) * plotW;
  ensureSpace(doc, rowH * 3);
  const drawRow = (row: RankingRow) => {
    ensureSpace(doc, rowH);
    const y = doc.y;
    doc.fontSize(8).fillColor(INK).text(`${row.rank}. ${row.label}`, MARGIN, y + 2, { width: labelW - 6, height: rowH, ellipsis: true, lineBreak: false });
    whisker(doc, y + rowH / 2, x(row.low), x(row.high), 'horizontal');
    doc.circle(x(row.value), y + rowH / 2, 2.2).fill(BAR);
    doc.fontSize(7).fillColor(row.overlapsPrevious ? MUTED : INK).text(`${percentText(row.value)}${row.overlapsPrevious ? ' 差异不显著' : ''}`, plotX + plotW + 4, y + 3, { width: noteW, lineBreak: false });
    doc.y = y + rowH;
  };
  rows.slice(0, skipped ? CHART_ROWS : rows.length).forEach(drawRow);
  if (skipped) {
    line(doc, `…… 中间 ${skipped} 名略，完整排名见 XLSX / CSV ……`, 8, MUTED);
    rows.slice(CHART_ROWS).forEach(drawRow);
  }
  doc.fontSize(7).fillColor(MUTED).text(`横轴 ${percentText(axisMin)} – 100%`, plotX, doc.y + 2, { width: plotW, align: 'center' });
  if (ranking.unranked.length) line(doc, `未排名 ${ranking.unranked.length} 个（评价数不足或小样本保护）`, 8, MUTED);
}

// 512 points of the 515 between the margins; 非常不满意 at 7.5 pt needs 42.
const TABLE_COLUMNS = [
  { header: '名称', width: 130 },
  { header: '评价数', width: 36 },
  ...LEVELS.map((level) => ({ header: RATING_LEVEL_NAMES[level].zh, width: 42 })),
  { header: '好评率', width: 48 },
  { header: '满意率', width: 48 },
  { header: '平均分', width: 40 },
];

function tableRow(doc: Doc, values: string[], header = false): void {
  const rowH = 13;
  ensureSpace(doc, rowH);
  const y = doc.y;
  let x = MARGIN;
  doc.fontSize(7.5).fillColor(header ? MUTED : INK);
  values.forEach((value, i) => {
    const width = TABLE_COLUMNS[i]!.width;
    doc.text(value, x + 2, y + 2, { width: width - 4, height: rowH, ellipsis: true, lineBreak: false, align: i === 0 ? 'left' : 'right' });
    x += width;
  });
  doc.lineWidth(0.3).strokeColor('#cccccc').moveTo(MARGIN, y + rowH).lineTo(x, y + rowH).stroke();
  doc.y = y + rowH;
}

function cellValues(cell: ReportCell): string[] {
  if (cell.suppressed) {
    const mark = SUPPRESSED_TEXT[cell.suppressed];
    return [cell.label, mark, ...LEVELS.map(() => mark), NO_RATE, NO_RATE, NO_RATE];
  }
  return [
    cell.label,
    String(cell.n ?? 0),
    ...LEVELS.map((level) => String(cell.counts?.[level] ?? 0)),
    percentText(cell.goodRate?.value),
    percentText(cell.satisfiedRate?.value),
    cell.meanScore === null ? NO_RATE : cell.meanScore.toFixed(2),
  ];
}

/** A breakdown table; a long one prints its top and bottom by ranking (unranked rows last). */
function cellTable(doc: Doc, title: string, cells: readonly ReportCell[], ranking?: Ranking): void {
  if (cells.length === 0) return;
  let shown: ReportCell[] = [...cells];
  let skipped = 0;
  if (cells.length > PDF_FULL_LIST) {
    const byKey = new Map(cells.map((cell) => [cell.key, cell]));
    const ordered = ranking ? ranking.rows.map((row) => byKey.get(row.key)).filter((cell): cell is ReportCell => cell !== undefined) : [...cells];
    const picked = edges(ordered, PDF_FULL_LIST, PDF_EDGE_ROWS);
    shown = picked.rows;
    skipped = cells.length - shown.length;
  }
  heading(doc, `${title}（${cells.length} 个${skipped ? `，列出排名前 ${PDF_EDGE_ROWS} 与后 ${PDF_EDGE_ROWS}，完整列表见 XLSX / CSV` : ''}）`);
  tableRow(doc, TABLE_COLUMNS.map((column) => column.header), true);
  shown.forEach((cell, i) => {
    if (skipped && i === PDF_EDGE_ROWS) line(doc, `…… 其余 ${skipped} 个略 ……`, 7.5, MUTED);
    tableRow(doc, cellValues(cell));
  });
}

function reasons(doc: Doc, report: SatisfactionReport): void {
  heading(doc, '主要差评原因');
  if (report.topReasons.length === 0) line(doc, '无（或因小样本保护不显示）', 9.5, MUTED);
  for (const reason of report.topReasons) line(doc, `${reason.label.zh}：${reason.count} 次`, 9.5);
}

// The 差评整改 table: a name and seven metrics (rate or mean, with n below in the XLSX).
const CASE_COLUMNS = [{ width: 123 }, { width: 40 }, ...Array.from({ length: 7 }, () => ({ width: 50 }))];

function caseRow(doc: Doc, values: string[], header = false): void {
  const rowH = header ? 22 : 13;
  ensureSpace(doc, rowH);
  const y = doc.y;
  let x = MARGIN;
  doc.fontSize(7.5).fillColor(header ? MUTED : INK);
  values.forEach((value, i) => {
    const width = CASE_COLUMNS[i]!.width;
    // A header wraps onto a second line (实名差评回访率); a row is one line, cut with an ellipsis.
    const fit = header ? { lineBreak: true } : { height: rowH, ellipsis: true, lineBreak: false };
    doc.text(value, x + 2, y + 2, { width: width - 4, ...fit, align: i === 0 ? 'left' : 'right' });
    x += width;
  });
  doc.lineWidth(0.3).strokeColor('#cccccc').moveTo(MARGIN, y + rowH).lineTo(x, y + rowH).stroke();
  doc.y = y + rowH;
}

/** 差评整改 (issue 15 §4): the scope's metrics with n and definitions, then its units (or windows). */
function caseMetrics(doc: Doc, report: SatisfactionReport): void {
  const cases = report.cases;
  if (!cases) return;
  heading(doc, '差评整改');
  const shown = (metric: CaseMetricCell, kind: 'rate' | 'mean') => {
    const value = caseMetricValue(metric, kind);
    return typeof value === 'object' && value !== null ? percentText(value.percent) : String(value);
  };
  const opened = cases.summary.opened;
  line(doc, `本期评价开启差评案件：${opened.suppressed ? SUPPRESSED_TEXT[opened.suppressed] : opened.n} 件`, 9.5);
  for (const d of cases.definitions) {
    const metric = cases.summary.metrics[d.id];
    const interval = metric.low !== null && metric.high !== null ? `，95% 区间 ${percentText(metric.low)} – ${percentText(metric.high)}` : '';
    const n = metric.suppressed ? '' : metric.n === 0 ? '（无案件）' : `（${d.kind === 'rate' ? `${metric.numerator}/${metric.n}` : `${metric.n} 件`}${interval}）`;
    line(doc, `${d.name.zh}：${shown(metric, d.kind)}${d.kind === 'mean' && metric.value !== null && !metric.suppressed ? ' 个工作日' : ''}${n}`, 9.5);
  }
  const rows = cases.byUnit.length ? cases.byUnit : cases.byWindow;
  if (rows.length > 1 || cases.byUnit.length) {
    ensureSpace(doc, 40);
    doc.moveDown(0.3);
    caseRow(doc, [cases.byUnit.length ? '单位' : '窗口', '差评数', ...cases.definitions.map((d) => d.name.zh)], true);
    const picked = edges(rows, PDF_FULL_LIST, PDF_EDGE_ROWS);
    picked.rows.forEach((row, i) => {
      if (picked.skipped && i === PDF_EDGE_ROWS) line(doc, `…… 其余 ${picked.skipped} 个略，完整列表见 XLSX / CSV ……`, 7.5, MUTED);
      caseRow(doc, [row.label, row.opened.suppressed ? SUPPRESSED_TEXT[row.opened.suppressed] : String(row.opened.n), ...cases.definitions.map((d) => shown(row.metrics[d.id], d.kind))]);
    });
  }
  line(doc, cases.note.zh, 8, MUTED);
  for (const d of cases.definitions) line(doc, d.formula.zh, 8, MUTED);
}

function notes(doc: Doc, report: SatisfactionReport, stamp: ExportStamp): void {
  heading(doc, '计算说明');
  for (const [key, value] of notesTable(report, stamp).rows) {
    ensureSpace(doc, 14);
    // The tables neutralise text for spreadsheets; a PDF has no formulas, so print it unquoted.
    line(doc, `${String(key)}：${String(value).replace(/^'(?=[=+\-@\t\r])/, '')}`, 8.5);
  }
}

