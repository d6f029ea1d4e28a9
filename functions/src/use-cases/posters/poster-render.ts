import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { PosterSize } from '#shared/contracts/surveys-posters.js';
import type { PosterFont } from './poster-font.js';

/**
 * One page of a poster: what a resident reading it on the wall needs (亮职责、亮承诺). Printed
 * once and hung for months, so only what stays true: no staff on duty today (the window card,
 * opened from the QR, shows them as they are now).
 */
export interface PosterPage {
  url: string;
  active: boolean;
  unitName: string;
  windowName: string;
  hallName: string;
  /** 办理事项: what the window handles. */
  serviceItems: string[];
  /** 岗位职责 and 服务承诺 of the staff assigned to the window, each text once. */
  duties: string[];
  pledges: string[];
}

export const POSTER_TEXT = {
  instruction: '请扫码评价本次服务',
  instructionEn: 'Scan to rate this service',
  paused: '本窗口暂停评价',
  pausedEn: 'Ratings are paused at this window',
  serviceItems: '办理事项',
  duties: '窗口职责',
  pledges: '服务承诺',
} as const;

// Medium error correction survives a scuffed or partly covered print; margin 4 is the quiet zone
// the QR specification asks for.
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

export function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { ...QR_OPTIONS, type: 'png', width: 600 });
}

export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...QR_OPTIONS, type: 'svg' });
}

/** A4 and A5 in PDF points (1/72 inch). */
const PAGE: Record<PosterSize, { width: number; height: number; scale: number }> = {
  A4: { width: 595.28, height: 841.89, scale: 1 },
  A5: { width: 419.53, height: 595.28, scale: 0.705 },
};

/** The QR drawn as vector squares: sharp at any print size. */
function drawQr(doc: PDFKit.PDFDocument, url: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel });
  const count = modules.size + 2 * QR_OPTIONS.margin;
  const cell = size / count;
  doc.save().rect(x, y, size, size).fill('#ffffff');
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) doc.rect(x + (col + QR_OPTIONS.margin) * cell, y + (row + QR_OPTIONS.margin) * cell, cell + 0.01, cell + 0.01);
    }
  }
  doc.fill('#000000').restore();
}

/**
 * The print-ready poster PDF, one page per window. All text goes through pdfkit's text(), which
 * prints characters as they are: a name like `<img src=x onerror=alert(1)>` is shown, never run.
 */
export function posterPdf(pages: readonly PosterPage[], size: PosterSize, font: PosterFont): Promise<Buffer> {
  const { width, height, scale } = PAGE[size];
  const margin = 48 * scale;
  const doc = new PDFDocument({ size, margin, autoFirstPage: false, info: { Title: '评价二维码海报', Producer: 'Manyi' }, font: font.path });
  doc.registerFont('cjk', font.path, font.family);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const textWidth = width - 2 * margin;
  const centered = (text: string, fontSize: number, color = '#1a1a1a') =>
    doc.font('cjk').fontSize(fontSize * scale).fillColor(color).text(text, margin, undefined, { width: textWidth, align: 'center' });

  for (const page of pages) {
    doc.addPage({ size, margin });
    doc.y = margin;
    centered(page.unitName, 18);
    doc.moveDown(0.3);
    centered(page.windowName, 30);
    centered(page.hallName, 12, '#4a4a4a');
    doc.moveDown(0.8);

    const qrSize = 300 * scale;
    if (page.active) {
      const top = doc.y;
      drawQr(doc, page.url, (width - qrSize) / 2, top, qrSize);
      doc.y = top + qrSize + 8 * scale;
      centered(POSTER_TEXT.instruction, 22);
      centered(POSTER_TEXT.instructionEn, 12, '#4a4a4a');
      centered(page.url, 9, '#4a4a4a');
    } else {
      // No QR at all: a poster of a deactivated window must not collect ratings.
      const top = doc.y;
      doc.save().lineWidth(3).rect((width - qrSize) / 2, top, qrSize, qrSize).stroke('#a4161a').restore();
      doc.y = top + qrSize / 2 - 30 * scale;
      centered(POSTER_TEXT.paused, 28, '#a4161a');
      centered(POSTER_TEXT.pausedEn, 12, '#a4161a');
      doc.y = top + qrSize + 8 * scale;
    }

    // The sections share the room left above the bottom margin (what one leaves goes to the next),
    // each ending in an ellipsis past its share: a long list must not push the pledges off the
    // page, nor spill onto a page of its own.
    const bottom = height - margin;
    const sections = (
      [
        [POSTER_TEXT.serviceItems, page.serviceItems.join('、')],
        [POSTER_TEXT.duties, page.duties.join('\n')],
        [POSTER_TEXT.pledges, page.pledges.join('\n')],
      ] as const
    ).filter(([, body]) => body !== '');
    sections.forEach(([heading, body], i) => {
      doc.moveDown(0.8);
      if (bottom - doc.y < 40 * scale) return;
      centered(heading, 14);
      doc.moveDown(0.2);
      const share = (bottom - doc.y) / (sections.length - i) - (i < sections.length - 1 ? 40 * scale : 0);
      doc
        .font('cjk')
        .fontSize(11 * scale)
        .fillColor('#3d3d3d')
        .text(body, margin, undefined, { width: textWidth, align: 'center', height: Math.max(14 * scale, share), ellipsis: true });
    });
  }
  if (pages.length === 0) doc.addPage({ size, margin });
  doc.end();
  return done;
}
