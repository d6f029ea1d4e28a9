import type { ExportStamp } from './report-tables.js';

type Doc = PDFKit.PDFDocument;

/**
 * The footer of every page of a report PDF: the 数据校验码 and 第 i / n 页, centred in the bottom
 * margin (which is lifted while it is written, so pdfkit does not start a new page). Called once
 * the pages are all laid out (`bufferPages`).
 */
export function stampFooters(doc: Doc, stamp: ExportStamp, layout: { margin: number; width: number; pageHeight: number; color: string }): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fontSize(7).fillColor(layout.color).text(`数据校验码 ${stamp.dataHash}    第 ${i + 1} / ${range.count} 页`, layout.margin, layout.pageHeight - layout.margin, { width: layout.width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
