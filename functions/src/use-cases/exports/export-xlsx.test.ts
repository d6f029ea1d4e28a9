import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixtureReport } from '../../../../test/support/report-fixture.js';
import { reportXlsx } from './export-xlsx.js';
import { reportDataHash } from './integrity.js';

/**
 * How the XLSX prints (issue 12, item 3). LibreOffice is not available to the tests, so this reads
 * what a spreadsheet engine reads to lay out pages: the page setup of each sheet's XML, the print
 * titles of workbook.xml and the column widths, and checks the scope's n and 满意率 land on page 1.
 */

const report = fixtureReport({ windows: 40, seed: 7 });
const stamp = { dataHash: reportDataHash(report), generatedAt: '2026-11-01T02:05:00.000Z' };

/** The entries of a zip file, from its central directory (stored or deflated), as text. */
function unzip(bytes: Buffer): Map<string, string> {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8').replace(/^\//, '');
    const local = bytes.readUInt32LE(at + 42);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + size);
    files.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + skip;
  }
  return files;
}

const attributes = (xml: string, tag: string): Record<string, string> | undefined => {
  const found = new RegExp(`<${tag}\\b([^>]*?)/?>`).exec(xml);
  return found ? Object.fromEntries([...found[1]!.matchAll(/([\w:]+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!])) : undefined;
};

/** Sheet names in order, with the path of each sheet's XML. */
function sheetFiles(files: Map<string, string>): { name: string; xml: string; index: number }[] {
  const book = files.get('xl/workbook.xml')!;
  const rels = files.get('xl/_rels/workbook.xml.rels')!;
  return [...book.matchAll(/<sheet\b[^>]*name="([^"]+)"[^>]*r:id="([^"]+)"/g)].map(([, name, id], index) => {
    const target = new RegExp(`Id="${id}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${id}"`).exec(rels)!;
    const path = (target[1] ?? target[2]!).replace(/^\/?(xl\/)?/, 'xl/');
    return { name: name!, xml: files.get(path)!, index };
  });
}

/** Column widths in character widths, one per column (a <col> may span several). */
const columnWidths = (xml: string): number[] =>
  [...xml.matchAll(/<col min="(\d+)" max="(\d+)" width="([\d.]+)"/g)].flatMap(([, min, max, width]) => Array<number>(Number(max) - Number(min) + 1).fill(Number(width)));

/** Excel's column width in pixels at 96 dpi (Calibri 11: 7 px a character, 5 px of padding). */
const pixels = (width: number) => Math.trunc(width * 7 + 5);
const A4 = { portrait: { width: 8.27, height: 11.69 }, landscape: { width: 11.69, height: 8.27 } };

/** The text a row's cells print, by column letter. */
function rowsOf(xml: string): Map<string, string>[] {
  return [...xml.matchAll(/<row\b[^>]*>(.*?)<\/row>/g)].map(([, cells]) => {
    const row = new Map<string, string>();
    for (const [, column, body] of cells!.matchAll(/<c r="([A-Z]+)\d+"[^>]*>(.*?)<\/c>/g)) row.set(column!, /<v>(.*?)<\/v>/.exec(body!)?.[1] ?? '');
    return row;
  });
}

describe('XLSX page setup', async () => {
  const files = unzip(await reportXlsx(report, stamp));
  const sheets = sheetFiles(files);
  const book = files.get('xl/workbook.xml')!;

  it('reads every sheet of the workbook', () => {
    expect(sheets.map((s) => s.name)).toEqual(['汇总', '按单位', '按窗口', '按人员', '按服务事项', '按月', '排名', '差评原因', '计算说明']);
    for (const sheet of sheets) expect(sheet.xml, sheet.name).toContain('<worksheet');
  });

  it('prints every sheet on A4, fit to one page wide with the fitToPage switch on, landscape when wide', () => {
    for (const sheet of sheets) {
      const setup = attributes(sheet.xml, 'pageSetup')!;
      expect(setup, sheet.name).toMatchObject({ paperSize: '9', fitToWidth: '1', fitToHeight: '0' });
      // Without sheetPr/pageSetUpPr fitToPage="1", Excel and LibreOffice ignore fitToWidth.
      expect(attributes(sheet.xml, 'pageSetUpPr'), sheet.name).toMatchObject({ fitToPage: '1' });
      const columns = columnWidths(sheet.xml).length;
      expect(setup.orientation, sheet.name).toBe(columns > 4 ? 'landscape' : 'portrait');
    }
  });

  it('repeats the header row on every page (print titles)', () => {
    for (const sheet of sheets) {
      expect(book, sheet.name).toMatch(new RegExp(`<definedName name="_xlnm.Print_Titles" localSheetId="${sheet.index}">&apos;${sheet.name}&apos;!\\$1:\\$1</definedName>`));
    }
  });

  it('汇总 fits the width of an A4 portrait page unscaled: no 90-wide column, long text wraps', () => {
    const summary = sheets[0]!.xml;
    const margins = attributes(summary, 'pageMargins')!;
    const printable = (A4.portrait.width - Number(margins.left) - Number(margins.right)) * 96;
    const widths = columnWidths(summary);
    expect(widths).toHaveLength(2);
    expect(Math.max(...widths)).toBeLessThan(90);
    expect(widths.map(pixels).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(printable);
    // Every sheet is narrower than ~1.5 pages, so fit-to-width never shrinks a table to illegible.
    for (const sheet of sheets) {
      const setup = attributes(sheet.xml, 'pageSetup')!;
      const page = A4[setup.orientation as 'portrait' | 'landscape'];
      const scale = ((page.width - 0.8) * 96) / columnWidths(sheet.xml).map(pixels).reduce((a, b) => a + b, 0);
      expect(scale, sheet.name).toBeGreaterThan(0.8);
    }
    // The value column wraps: its text cells have a style with wrapText.
    const styles = files.get('xl/styles.xml')!;
    const xfs = [...styles.slice(styles.indexOf('<cellXfs')).matchAll(/<xf\b[^>]*?(?:\/>|>(.*?)<\/xf>)/g)].map(([xf]) => xf!);
    const style = /<c r="B5" s="(\d+)"/.exec(summary)?.[1];
    expect(xfs[Number(style)]).toContain('wrapText="1"');
  });

  it('writes rates with two decimals (number format 0.00) as the PDF prints them', () => {
    const styles = files.get('xl/styles.xml')!;
    const xfs = [...styles.slice(styles.indexOf('<cellXfs')).matchAll(/<xf\b[^>]*?(?:\/>|>(.*?)<\/xf>)/g)].map(([xf]) => xf!);
    const rows = rowsOf(sheets[0]!.xml);
    const at = rows.findIndex((row) => row.get('A') === '满意率(%)');
    const style = new RegExp(`<c r="B${at + 1}" s="(\\d+)"`).exec(sheets[0]!.xml)?.[1];
    // numFmtId 2 is the built-in "0.00".
    expect(attributes(xfs[Number(style)]!, 'xf')).toMatchObject({ numFmtId: '2' });
    // 满意率(%) of 按窗口 (column L) the same, wherever it is a number.
    const rates = [...sheets[2]!.xml.matchAll(/<c r="L\d+" s="(\d+)"><v>/g)].map(([, id]) => id);
    expect(rates.length).toBeGreaterThan(10);
    for (const id of new Set(rates)) expect(attributes(xfs[Number(id)]!, 'xf')).toMatchObject({ numFmtId: '2' });
  });

  it("puts the scope's n and 满意率 on page 1 of 汇总", () => {
    const summary = sheets[0]!.xml;
    const rows = rowsOf(summary);
    const n = rows.findIndex((row) => row.get('A') === '评价数');
    const rate = rows.findIndex((row) => row.get('A') === '满意率(%)');
    expect(rows[n]!.get('B')).toBe(String(report.summary.n));
    expect(Number(rows[rate]!.get('B'))).toBe(Number((report.summary.satisfiedRate!.value! * 100).toFixed(2)));
    // Page 1 holds (11.69 − top − bottom margins) in points of 15-point rows; a wrapped value
    // takes a line per 64 character widths (a CJK character counts two).
    const margins = attributes(summary, 'pageMargins')!;
    const pageRows = ((A4.portrait.height - Number(margins.top) - Number(margins.bottom)) * 72) / 15;
    const valueWidth = columnWidths(summary)[1]!;
    const lines = (text: string) => Math.max(1, Math.ceil([...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0) / valueWidth));
    const linesToRate = rows.slice(0, rate + 1).reduce((sum, row) => sum + lines(row.get('B') ?? ''), 0);
    expect(linesToRate).toBeLessThan(pageRows);
  });
});
