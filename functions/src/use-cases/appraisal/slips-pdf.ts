import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { printedCode } from '#shared/domain/appraisal/ballot-code.js';
import type { PosterFont } from '../posters/poster-font.js';

/**
 * The slips of a 民主评议 round (issue 14 §1, docs/decisions/0027): A4 sheets of cut-out slips,
 * one ballot code (票码) each, shuffled and handed out at random in the meeting. This PDF is the
 * only place the clear codes ever exist, so it is built in memory and returned, never written.
 *
 * A slip says what a voter needs and nothing about the voter: the campaign, the rater group, the
 * code, a QR of `{baseUrl}/v#{code}` — the code in the URL fragment, which a browser never sends,
 * so it reaches no server or proxy log — and how to vote. Page headers and footers sit in the
 * margin, outside the cut lines, so they stay on the offcuts.
 */
export interface SlipSheet {
  campaignName: string;
  year: number;
  kindLabel: string;
  /** The round of voting: from 2 on (重新投票) the slip says so, so that old and new slips are told apart. */
  round?: number;
  groupName: string;
  codes: string[];
}

export const SLIP_TEXT = {
  group: (name: string) => `评议主体：${name}`,
  edition: (kindLabel: string, year: number, round = 1) => `${year} 年度 · ${kindLabel}${round > 1 ? ` · 第 ${round} 轮` : ''}`,
  codeLabel: '票码',
  instruction: (baseUrl: string) => `扫码或访问 ${baseUrl}/v 输入票码。`,
  rules: '每个票码只能投一次；投票不记录姓名。',
  header: (campaignName: string, groupName: string, page: number, pages: number, slips: number) =>
    `${campaignName} · ${groupName} · 第 ${page} / ${pages} 页 · 共 ${slips} 张`,
  footer: '沿虚线剪开，打乱后随机发放；未发出的票码请在会上当场销毁。',
  title: (campaignName: string) => `${campaignName} 票码`,
} as const;

/** The address a slip's QR opens: the code in the fragment, never in the path or query. */
export function slipUrl(baseUrl: string, code: string): string {
  return `${baseUrl}/v#${code}`;
}

// A4 portrait in points (1/72 inch): 2 × 5 slips of about 95 × 54 mm (a business card's size).
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const SIDE = 28;
const TOP = 40;
const BOTTOM = 34;
const COLS = 2;
const ROWS = 5;
export const SLIPS_PER_PAGE = COLS * ROWS;
const SLIP_W = (PAGE_W - 2 * SIDE) / COLS;
const SLIP_H = (PAGE_H - TOP - BOTTOM) / ROWS;
const PAD_X = 14;
const PAD_Y = 12;
/** The QR symbol without its quiet zone: 27 mm, well above the 22 mm a phone needs across a table. */
const QR_SIZE = 76;
/**
 * White between the text column and the QR. With the slip's padding it holds the 4-module quiet
 * zone the QR specification asks for: a `/v#` address is version 2 or more, modules ≤ 3 pt.
 */
const QR_GAP = 14;

const INK = '#1a1a1a';
const MUTED = '#5a5a5a';
const CUT = '#b4b4b4';

/** Medium error correction, as on the posters: a creased or smudged slip still scans. */
const QR_ERROR_CORRECTION = 'M';

/**
 * The QR drawn as vector squares, one rectangle per horizontal run of dark modules (about half
 * the rectangles of one per module, for 2,000 slips in one PDF). `size` is the symbol's edge
 * without the quiet zone, which the caller keeps white.
 */
function drawQr(doc: PDFKit.PDFDocument, url: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: QR_ERROR_CORRECTION });
  const n = modules.size;
  const cell = size / n;
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      // A hair of overlap so no white seam shows between neighbouring rows at any zoom.
      doc.rect(x + start * cell, y + row * cell, (col - start) * cell, cell + 0.02);
    }
  }
  doc.fill(INK);
}

/** Dashed cut lines around the first `count` slips of a page (a group's last page may be partial). */
function drawCutLines(doc: PDFKit.PDFDocument, count: number): void {
  const rows = Math.ceil(count / COLS);
  const colsIn = (row: number) => (row < 0 || row >= rows ? 0 : Math.min(COLS, count - row * COLS));
  doc.save().lineWidth(0.5).dash(3, { space: 3 }).strokeColor(CUT);
  for (let row = 0; row <= rows; row++) {
    const span = Math.max(colsIn(row - 1), colsIn(row));
    const y = TOP + row * SLIP_H;
    doc.moveTo(SIDE, y).lineTo(SIDE + span * SLIP_W, y);
  }
  for (let row = 0; row < rows; row++) {
    const y = TOP + row * SLIP_H;
    for (let col = 0; col <= colsIn(row); col++) {
      const x = SIDE + col * SLIP_W;
      doc.moveTo(x, y).lineTo(x, y + SLIP_H);
    }
  }
  doc.stroke().undash().restore();
}

/** How the campaign name fits the slip's text column: one line, shrunk if need be, else two. */
interface NameFit {
  size: number;
  lines: 1 | 2;
}

function fitName(doc: PDFKit.PDFDocument, name: string, width: number): NameFit {
  doc.font('cjk');
  for (const size of [11, 10, 9]) if (doc.fontSize(size).widthOfString(name) <= width) return { size, lines: 1 };
  // Two lines at the largest size that holds the whole name; past that, 8.5 pt ending in "…".
  for (const size of [9.5, 9]) if (doc.fontSize(size).heightOfString(name, { width }) <= 2.5 * doc.currentLineHeight(true)) return { size, lines: 2 };
  return { size: 8.5, lines: 2 };
}

/** `text` cut to `width` at the current font and size, ending in "…" when cut. */
function clip(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  const chars = Array.from(text);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (doc.widthOfString(`${chars.slice(0, mid).join('')}…`) <= width) low = mid;
    else high = mid - 1;
  }
  return `${chars.slice(0, low).join('')}…`;
}

/**
 * The two instruction lines at the bottom of a slip and their size: the sentence as written if it
 * fits a line at 6.5 pt or more, else broken after the address (a long deployment address).
 */
function fitInstructions(doc: PDFKit.PDFDocument, baseUrl: string, width: number): { size: number; lines: [string, string] } {
  const layouts: [string, string][] = [
    [SLIP_TEXT.instruction(baseUrl), SLIP_TEXT.rules],
    [`扫码或访问 ${baseUrl}/v`, `输入票码。${SLIP_TEXT.rules}`],
  ];
  doc.font('cjk');
  for (const lines of layouts) {
    for (let size = 8; size >= 6.5; size -= 0.5) {
      doc.fontSize(size);
      if (lines.every((text) => doc.widthOfString(text) <= width)) return { size, lines };
    }
  }
  doc.fontSize(6.5);
  return { size: 6.5, lines: [clip(doc, layouts[1]![0], width), clip(doc, layouts[1]![1], width)] };
}

/**
 * The slips PDF: each group's slips start on a new page, 10 to an A4 page. The CJK font is
 * embedded once and subset; the codes print in Courier (a standard PDF font, nothing to embed).
 * All text goes through pdfkit's text(), which prints characters as they are.
 */
export async function renderSlips(input: { baseUrl: string; groups: SlipSheet[]; font: PosterFont }): Promise<Buffer> {
  const baseUrl = input.baseUrl.replace(/\/+$/, '');
  const names = [...new Set(input.groups.map((group) => group.campaignName))];
  // No Author: nothing in the file names who printed it.
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: SLIP_TEXT.title(names.join('、')), Producer: 'Manyi', Creator: 'Manyi' } });
  doc.registerFont('cjk', input.font.path, input.font.family);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const innerW = SLIP_W - 2 * PAD_X;
  const textW = innerW - QR_SIZE - QR_GAP;
  // The instructions run across the slip's full width below the QR.
  const instructions = fitInstructions(doc, baseUrl, innerW);
  const line = (text: string, x: number, y: number, options: PDFKit.Mixins.TextOptions = {}) =>
    doc.text(text, x, y, { lineBreak: false, ...options });

  for (const group of input.groups) {
    const pages = Math.max(1, Math.ceil(group.codes.length / SLIPS_PER_PAGE));
    const name = fitName(doc, group.campaignName, textW);
    doc.font('cjk');
    const groupSize = doc.fontSize(9).widthOfString(SLIP_TEXT.group(group.groupName)) <= textW ? 9 : 8;
    const groupLine = clip(doc.fontSize(groupSize), SLIP_TEXT.group(group.groupName), textW);
    const edition = clip(doc.fontSize(7.5), SLIP_TEXT.edition(group.kindLabel, group.year, group.round), textW);
    for (let page = 0; page < pages; page++) {
      doc.addPage({ size: 'A4', margin: 0 });
      const codes = group.codes.slice(page * SLIPS_PER_PAGE, (page + 1) * SLIPS_PER_PAGE);
      doc.font('cjk').fontSize(8).fillColor(MUTED);
      // A long campaign name gives way in the header, never the page number and count.
      const tail = SLIP_TEXT.header('', group.groupName, page + 1, pages, group.codes.length);
      const headerName = clip(doc, group.campaignName, Math.max(60, PAGE_W - 2 * SIDE - doc.widthOfString(tail)));
      line(clip(doc, `${headerName}${tail}`, PAGE_W - 2 * SIDE), SIDE, TOP - 18);
      line(SLIP_TEXT.footer, SIDE, PAGE_H - BOTTOM + 10, { width: PAGE_W - 2 * SIDE, align: 'center' });
      drawCutLines(doc, codes.length);

      codes.forEach((code, i) => {
        const x = SIDE + (i % COLS) * SLIP_W + PAD_X;
        const y = TOP + Math.floor(i / COLS) * SLIP_H + PAD_Y;

        doc.font('cjk').fontSize(7.5).fillColor(MUTED);
        line(edition, x, y);
        doc.fontSize(name.size).fillColor(INK);
        if (name.lines === 1) line(group.campaignName, x, y + 13);
        else doc.text(group.campaignName, x, y + 11, { width: textW, height: 2.2 * doc.currentLineHeight(true), ellipsis: true });
        doc.fontSize(groupSize).fillColor(INK);
        line(groupLine, x, y + 42);
        doc.fontSize(7.5).fillColor(MUTED);
        line(SLIP_TEXT.codeLabel, x, y + 60);
        doc.font('Courier-Bold').fontSize(22).fillColor(INK);
        line(printedCode(code), x, y + 71);

        drawQr(doc, slipUrl(baseUrl, code), x + innerW - QR_SIZE, y + 4, QR_SIZE);

        doc.font('cjk').fontSize(instructions.size).fillColor(MUTED);
        const lineHeight = doc.currentLineHeight(true);
        const bottom = y + SLIP_H - 2 * PAD_Y;
        line(instructions.lines[0], x, bottom - 2 * lineHeight);
        line(instructions.lines[1], x, bottom - lineHeight);
      });
    }
  }
  if (input.groups.length === 0) doc.addPage({ size: 'A4', margin: 0 });
  doc.end();
  return done;
}
