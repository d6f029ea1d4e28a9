import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createGateway } from '../../infra/local/gateway.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import type { Reply } from './fixtures.js';
import { committee, deptAdmin, putSurveyTree, SV } from './surveys-fixtures.js';

/**
 * QR posters through the real handlers: the PDF parses and names the window (markup printed as
 * text), the QR decodes to the resident page, a paused window's poster has no QR and says so,
 * scope is enforced and every download is audited.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const tokens: Record<string, string> = {};

// jsqr is CommonJS with a default export; under NodeNext types it arrives wrapped once.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

const bytes = (reply: Reply) => Buffer.from(reply.text, 'base64');

/** Text of each page, as a PDF reader extracts it. */
async function pdfPages(data: Buffer): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
  }
  await pdf.destroy();
  return pages;
}

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

const poster = (code: string, query: Record<string, string>, who = 'deptAdmin') =>
  request(gateway, 'GET', `/api/admin/windows/${code}/poster`, { token: tokens[who]!, query });

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  await putSurveyTree(t.runtime);
  for (const [name, principal] of Object.entries({ deptAdmin, committee })) tokens[name] = (await t.runtime.tokens.issue(principal, new Date())).token;
}, 60_000);
afterAll(() => t?.close());

describe('window poster', () => {
  it('is an A4 PDF naming the unit and window (markup printed as text), the duties, the pledge and the instruction', async () => {
    const reply = await poster(SV.windows.open, { format: 'pdf', size: 'A4' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/pdf');
    expect(String(reply.headers['content-disposition'])).toContain(`poster-${SV.windows.open}-A4.pdf`);
    const [text] = await pdfPages(bytes(reply));
    expect(text).toContain(SV.hostileName);
    for (const expected of ['测试县人社局', '参保登记', '一次告知，限时办结。', '请扫码评价本次服务', 'Scan to rate this service', `/w/${SV.windows.open}`]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('本窗口暂停评价');
    // Printed once and hung for months: no staff on duty today.
    expect(text).not.toContain('今日在岗');
  });

  it('comes in A5 too', async () => {
    const reply = await poster(SV.windows.open, { format: 'pdf', size: 'A5' });
    const pdf = await getDocument({ data: new Uint8Array(bytes(reply)) }).promise;
    const { view } = await pdf.getPage(1);
    expect(view.map(Math.round)).toEqual([0, 0, 420, 595]);
    await pdf.destroy();
  });

  it('has a PNG QR that decodes to the window’s resident page, and an SVG QR', async () => {
    const png = await poster(SV.windows.open, { format: 'png' });
    expect(png.headers['content-type']).toBe('image/png');
    expect(decodeQr(bytes(png))).toBe(`http://localhost:3000/w/${SV.windows.open}`);
    const svg = await poster(SV.windows.open, { format: 'svg' });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(bytes(svg).toString('utf8')).toMatch(/^<svg[^>]*viewBox/);
  });

  it('says 本窗口暂停评价 instead of a QR for a deactivated window, and offers no QR image', async () => {
    const reply = await poster(SV.windows.paused, { format: 'pdf' });
    expect(reply.status).toBe(200);
    const [text] = await pdfPages(bytes(reply));
    expect(text).toContain('本窗口暂停评价');
    expect(text).not.toContain('请扫码评价本次服务');
    expect(text).not.toContain(`/w/${SV.windows.paused}`);
    expect((await poster(SV.windows.paused, { format: 'png' })).status).toBe(409);
  });

  it('answers a window out of scope like an unknown one, refuses bad formats naming the field, and audits', async () => {
    const foreign = await poster(SV.windows.other, { format: 'pdf' });
    const unknown = await poster('nosuch01', { format: 'pdf' });
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual(unknown.json);
    const bad = await poster(SV.windows.open, { format: 'gif' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues[0].field).toBe('format');
    expect((await poster(SV.windows.open, { format: 'pdf' }, 'committee')).status).toBe(403);

    const audit = (await scanAll(t.doc, t.tables.audit)).map((e) => `${e.actor} ${e.action}:${e.result} ${e.objectId}`);
    expect(audit).toEqual(
      expect.arrayContaining([
        `${deptAdmin.username} window.poster:ok ${SV.windows.open}`,
        `${deptAdmin.username} window.poster:denied ${SV.windows.other}`,
        `${committee.username} window.poster:denied ${SV.windows.open}`,
      ]),
    );
  });
});

describe('unit posters', () => {
  it('is one PDF with a page per active window of the unit, and is audited', async () => {
    const reply = await request(gateway, 'GET', `/api/admin/units/${SV.dept}/posters`, { token: tokens.deptAdmin!, query: { size: 'A4' } });
    expect(reply.status).toBe(200);
    const pages = await pdfPages(bytes(reply));
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain(SV.hostileName);
    const audit = (await scanAll(t.doc, t.tables.audit)).filter((e) => e.action === 'unit.posters');
    expect(audit).toEqual([expect.objectContaining({ actor: deptAdmin.username, result: 'ok', objectId: SV.dept })]);
  });

  it('answers a unit out of scope like an unknown one', async () => {
    const reply = await request(gateway, 'GET', `/api/admin/units/${SV.other}/posters`, { token: tokens.deptAdmin! });
    expect(reply.status).toBe(404);
  });
});
