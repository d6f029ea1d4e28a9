import PDFDocument from 'pdfkit';
import type { PosterFont } from '../posters/poster-font.js';
import type { ExportStamp, FileColumn, FileTable, TableValue } from './report-tables.js';
import { stampFooters } from './pdf-footers.js';

/**
 * A small report as a Chinese PDF (a 阳光测评 round's, a 民主评议 campaign's): the same tables as
 * the XLSX (tables-xlsx.ts), on A4 landscape — a round's result table has fourteen columns, which
 * portrait prints too small to read — in
 * the CJK font of the report PDFs (posters/poster-font.ts), the 数据校验码 in every page's footer.
 * 概要 prints as lines, the other tables as ruled tables with their notes beneath.
 */
const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = 36;
const FOOTER = 24;
const WIDTH = PAGE.width - 2 * MARGIN;
const INK = '#1a1a1a';
const MUTED = '#666666';
const RULE = '#cccccc';
const SHADE = '#f1f3f5';

type Doc = PDFKit.PDFDocument;

/** `heading`: the report's name (阳光测评结果报告), printed large; `title`: the scope and the round or campaign under it. */
export function tablesPdf(tables: readonly FileTable[], stamp: ExportStamp, heading: string, title: string, font: PosterFont): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER },
    bufferPages: true,
    info: { Title: `${heading} ${title}`, Producer: 'Manyi', CreationDate: new Date(stamp.generatedAt) },
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

  doc.fontSize(18).fillColor(INK).text(heading, MARGIN, MARGIN, { width: WIDTH, align: 'center' });
  doc.fontSize(11).text(title, { width: WIDTH, align: 'center' });
  doc.moveDown(0.5);
  const [summary, ...rest] = tables;
  if (summary) facts(doc, summary);
  for (const table of rest) ruledTable(doc, table);
  stampFooters(doc, stamp, { margin: MARGIN, width: WIDTH, pageHeight: PAGE.height, color: MUTED });
  doc.end();
  return done;
}

/**
 * The tables neutralise text for spreadsheets; a PDF has no formulas, so it prints text unquoted.
 * The CJK font has no combining circumflex (p̂ would print p and a box): the PDF writes p^.
 */
const plain = (value: string) => value.replace(/^'(?=[=+\-@\t\r])/, '').replace(/\u0302/g, '^');

function cellText(value: TableValue | undefined, column: FileColumn | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return `${(value.percent * 100).toFixed(2)}%`;
  if (typeof value === 'number') return column?.decimals !== undefined ? value.toFixed(column.decimals) : String(value);
  return plain(value);
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > PAGE.height - MARGIN - FOOTER) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 48);
  doc.moveDown(0.6).fontSize(13).fillColor(INK).text(text, MARGIN, undefined, { width: WIDTH });
  doc.moveDown(0.3);
}

/** 概要: item and value side by side, the value wrapping within its column. */
function facts(doc: Doc, table: FileTable): void {
  heading(doc, table.name);
  const keyW = 150;
  for (const [key, value] of table.rows) {
    const body = cellText(value, table.columns[1]);
    doc.fontSize(9);
    const height = Math.max(doc.heightOfString(body, { width: WIDTH - keyW }), 12) + 3;
    ensureSpace(doc, height);
    const y = doc.y;
    doc.fillColor(MUTED).text(cellText(key, table.columns[0]), MARGIN, y, { width: keyW - 8 });
    doc.fillColor(INK).text(body, MARGIN + keyW, y, { width: WIDTH - keyW });
    doc.y = y + height;
  }
}

/** A ruled table: the header shaded (and repeated on a new page), each row as tall as its wrapped text. */
function ruledTable(doc: Doc, table: FileTable): void {
  // A heading and the header row never end a page on their own: room for them and a few rows.
  ensureSpace(doc, 110);
  heading(doc, table.name);
  const total = table.columns.reduce((sum, column) => sum + (column.width ?? 12), 0);
  const widths = table.columns.map((column) => ((column.width ?? 12) / total) * WIDTH);
  const headers = table.columns.map((column) => plain(column.percent ? `${column.header}(%)` : column.header));
  const size = 7.5;
  const measure = (values: string[]) => {
    doc.fontSize(size);
    return Math.max(12, ...values.map((value, i) => doc.heightOfString(value || ' ', { width: widths[i]! - 4 }) + 4));
  };
  const row = (values: string[], header: boolean) => {
    const height = measure(values);
    if (doc.y + height > PAGE.height - MARGIN - FOOTER) {
      doc.addPage();
      if (!header) row(headers, true);
    }
    const y = doc.y;
    if (header) doc.rect(MARGIN, y, WIDTH, height).fill(SHADE);
    let x = MARGIN;
    doc.fontSize(size).fillColor(header ? MUTED : INK);
    values.forEach((value, i) => {
      const numeric = !header && i > 1 && /^[-\d.%<—]/.test(value);
      doc.text(value, x + 2, y + 2, { width: widths[i]! - 4, align: numeric ? 'right' : 'left' });
      x += widths[i]!;
    });
    doc.lineWidth(0.3).strokeColor(RULE).moveTo(MARGIN, y + height).lineTo(MARGIN + WIDTH, y + height).stroke();
    doc.y = y + height;
  };
  row(headers, true);
  for (const values of table.rows) {
    if (values.length === 0) {
      doc.y += 6;
      continue;
    }
    row(
      table.columns.map((column, i) => cellText(values[i], column)),
      false,
    );
  }
  doc.x = MARGIN;
  for (const note of table.notes ?? []) {
    ensureSpace(doc, 14);
    doc.moveDown(0.2).fontSize(8).fillColor(MUTED).text(plain(note), MARGIN, undefined, { width: WIDTH });
  }
}

