import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import jsQRModule from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeFromBytes, printedCode } from '#shared/domain/appraisal/ballot-code.js';
import { posterFont } from '../posters/poster-font.js';
import { renderSlips, SLIP_TEXT, type SlipSheet } from './slips-pdf.js';

/**
 * The slips PDF (issue 14, docs/decisions/0027): every code printed once, each group on pages of
 * its own with its name in the header, the code only in the QR's URL fragment, and a QR a phone
 * can read. The QR is checked from the PDF's own drawing: the rectangles of the first slip's QR
 * are read back from the page's operators, rasterised and decoded.
 */

// jsqr is CommonJS with a default export; under NodeNext types it arrives wrapped once.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

const BASE = 'https://manyi.example.gov.cn';

/** `count` codes from fixed bytes: the same slips every run. */
function codes(count: number, seed: number): string[] {
  return Array.from({ length: count }, (_, i) => codeFromBytes(Uint8Array.from({ length: 7 }, (_, j) => (seed * 131 + i * 29 + j * 71 + i * j * 13) & 0xff)));
}

const GROUPS: SlipSheet[] = [
  { campaignName: '2026年度市政务服务中心机关作风民主评议（第一轮·集中评议会）', year: 2026, kindLabel: '机关作风评议', groupName: '群众代表', codes: codes(23, 1) },
  { campaignName: '2026年度市政务服务中心机关作风民主评议（第一轮·集中评议会）', year: 2026, kindLabel: '机关作风评议', groupName: '服务对象', codes: codes(7, 2) },
];

let pdf: Buffer;
let pages: string[];
let firstQr: string | undefined;
let title: unknown;
let author: unknown;

type Rect = [x0: number, y0: number, x1: number, y1: number];

/** The filled rectangles of each fill in a page's operator list (pdfjs turns `re` into a closed path). */
function filledRects(fnArray: number[], argsArray: unknown[][]): Rect[][] {
  const fills: Rect[][] = [];
  fnArray.forEach((fn, i) => {
    if (fn !== OPS.constructPath) return;
    const [op, [path]] = argsArray[i] as [number, [Float32Array | null]];
    if (op !== OPS.fill || !path) return;
    const rects: Rect[] = [];
    // Each rectangle: moveTo x y, lineTo × 3, closePath (DrawOPS 0 x y 1 x y 1 x y 1 x y 4).
    for (let k = 0; k + 13 <= path.length && path[k] === 0 && path[k + 12] === 4; k += 13) {
      const xs = [path[k + 1]!, path[k + 4]!, path[k + 7]!, path[k + 10]!];
      const ys = [path[k + 2]!, path[k + 5]!, path[k + 8]!, path[k + 11]!];
      rects.push([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
    }
    fills.push(rects);
  });
  return fills;
}

/** A QR drawn as rectangles, rasterised at 8 px a module with a white quiet zone, and decoded. */
function decodeQr(rects: Rect[]): string | undefined {
  const x0 = Math.min(...rects.map((r) => r[0]));
  const y0 = Math.min(...rects.map((r) => r[1]));
  const side = Math.max(...rects.map((r) => r[2])) - x0;
  const cell = Math.min(...rects.map((r) => r[2] - r[0]));
  const n = Math.round(side / cell);
  const px = 8;
  const quiet = 4;
  const size = (n + 2 * quiet) * px;
  const image = new Uint8ClampedArray(size * size * 4).fill(255);
  for (const [ax, ay, bx] of rects) {
    const row = Math.round((ay - y0) / cell);
    for (let col = Math.round((ax - x0) / cell); col < Math.round((bx - x0) / cell); col++) {
      for (let dy = 0; dy < px; dy++) {
        for (let dx = 0; dx < px; dx++) {
          const at = (((row + quiet) * px + dy) * size + (col + quiet) * px + dx) * 4;
          image[at] = image[at + 1] = image[at + 2] = 0;
        }
      }
    }
  }
  return jsQR(image, size, size)?.data;
}

beforeAll(async () => {
  pdf = await renderSlips({ baseUrl: `${BASE}/`, groups: GROUPS, font: posterFont() });
  // The codes print in Courier, a standard PDF font: pdfjs reads its metrics from its own folder.
  const standardFontDataUrl = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + sep;
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl }).promise;
  pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
    if (n === 1) {
      const ops = await page.getOperatorList();
      const qr = filledRects(ops.fnArray, ops.argsArray as unknown[][]).find((rects) => rects.length > 50);
      firstQr = qr && decodeQr(qr);
    }
  }
  const info = (await doc.getMetadata()).info as unknown as Record<string, unknown>;
  title = info.Title;
  author = info.Author;
  await doc.destroy();
}, 60_000);

describe('the slips PDF', () => {
  it('starts each group on a new page, 10 slips to a page: 23 + 7 codes are 3 + 1 pages', () => {
    expect(pages).toHaveLength(4);
  });

  it('prints every code exactly once, as two groups of five', () => {
    const text = pages.join('\n');
    for (const code of GROUPS.flatMap((group) => group.codes)) {
      expect(text.split(printedCode(code)).length - 1, code).toBe(1);
      // The bare code (the form the fragment carries) is never printed as text.
      expect(text).not.toContain(code);
    }
  });

  it('names the group, the page and the count in each page’s header', () => {
    const expected = [
      ['群众代表', 1, 3, 23],
      ['群众代表', 2, 3, 23],
      ['群众代表', 3, 3, 23],
      ['服务对象', 1, 1, 7],
    ] as const;
    expected.forEach(([group, page, of, count], i) => {
      expect(pages[i]).toContain(`· ${group} · 第 ${page} / ${of} 页 · 共 ${count} 张`);
      expect(pages[i]).toContain(SLIP_TEXT.group(group));
      const other = group === '群众代表' ? '服务对象' : '群众代表';
      expect(pages[i]).not.toContain(other);
    });
  });

  it('tells the voter the address without any code: `/v#` appears nowhere as text', () => {
    const text = pages.join('\n');
    expect(text).not.toContain('/v#');
    expect(text).toContain(`${BASE}/v`);
    expect(text).toContain(SLIP_TEXT.rules);
  });

  it('draws the first slip’s QR as vectors, and it decodes to the /v address with the code in the fragment', () => {
    expect(firstQr).toBe(`${BASE}/v#${GROUPS[0]!.codes[0]}`);
    expect(pdf.length).toBeGreaterThan(20_000);
  });

  it('is titled after the campaign and names no author', () => {
    expect(title).toBe(`${GROUPS[0]!.campaignName} 票码`);
    expect(author).toBeUndefined();
  });
});
