import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import type { Reply } from './fixtures.js';
import { deptAdmin, putSurveyTree, SV } from './surveys-fixtures.js';

/**
 * What a printed poster says and where its QR points (issue 12): the QR encodes PUBLIC_BASE_URL
 * (the runtime's publicBaseUrl), and the poster, hung on the wall for months, shows what the
 * window handles and the duties and pledges of its staff, never who is on duty today.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
let token: string;

const BASE = 'https://rate.example.gov.cn';
const CODE = 'pcwin001';

// jsqr is CommonJS with a default export; under NodeNext types it arrives wrapped once.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;
const bytes = (reply: Reply) => Buffer.from(reply.text, 'base64');

async function pdfText(data: Buffer): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
  }
  await pdf.destroy();
  return pages;
}

const poster = (code: string, query: Record<string, string>) => request(gateway, 'GET', `/api/admin/windows/${code}/poster`, { token, query });

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.publicBaseUrl = BASE;
  t.install();
  await putSurveyTree(t.runtime);
  // Two staff assigned to the window, only one of them on duty today; a service item list.
  const d = seedWriter(t.runtime);
  await d.putStaff({ id: 'pc-a', unitId: SV.dept, staffNo: 'PC01', name: '王芳', post: '综合受理', duties: '社保参保登记、\n待遇申领受理', pledge: '首问负责，限时办结。', partyMember: false });
  await d.putStaff({ id: 'pc-b', unitId: SV.dept, staffNo: 'PC02', name: '赵强', post: '综合受理', duties: '就业失业登记', pledge: '首问负责，限时办结。', partyMember: false });
  await d.putWindow({
    code: CODE,
    unitId: SV.dept,
    hallId: 'sv-hall',
    name: '综合受理窗口',
    active: true,
    staffIds: ['pc-a', 'pc-b'],
    staffOnDutyIds: ['pc-b'],
    serviceItems: [{ name: '社会保障卡申领' }, { code: 'X2', name: '失业保险金申领' }],
    surveyId: NATIONAL_SURVEY.surveyId,
    surveyVersion: NATIONAL_SURVEY.version,
  });
  token = (await t.runtime.tokens.issue(deptAdmin, new Date())).token;
}, 60_000);
afterAll(() => t?.close());

describe('where a poster’s QR points', () => {
  it('encodes PUBLIC_BASE_URL: the PNG QR decodes to it, the PDF prints it, format=url answers it', async () => {
    const png = await poster(CODE, { format: 'png' });
    const image = PNG.sync.read(bytes(png));
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(`${BASE}/w/${CODE}`);

    const [text] = await pdfText(bytes(await poster(CODE, { format: 'pdf' })));
    expect(text).toContain(`${BASE}/w/${CODE}`);
    expect(text).not.toContain('localhost');

    const link = await poster(CODE, { format: 'url' });
    expect(link.status).toBe(200);
    expect(link.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(bytes(link).toString('utf8')).toBe(`${BASE}/w/${CODE}`);
  });

  it('answers the link of a paused window too, without an audit entry, and keeps scope', async () => {
    expect(bytes(await poster(SV.windows.paused, { format: 'url' })).toString('utf8')).toBe(`${BASE}/w/${SV.windows.paused}`);
    expect((await poster(SV.windows.other, { format: 'url' })).status).toBe(404);
    const audit = (await scanAll(t.doc, t.tables.audit)).filter((e) => e.objectId === SV.windows.paused);
    expect(audit).toEqual([]);
  });
});

describe('what a printed poster shows', () => {
  it('names the window, unit and hall, what it handles and the duties and pledges of its staff, not who is on duty', async () => {
    const text = (await pdfText(bytes(await poster(CODE, { format: 'pdf', size: 'A4' }))))[0] ?? '';
    for (const expected of ['测试县人社局', '综合受理窗口', '测试大厅', '办理事项', '社会保障卡申领', '失业保险金申领', '窗口职责', '社保参保登记', '待遇申领受理', '就业失业登记', '服务承诺', '首问负责，限时办结。']) {
      expect(text).toContain(expected);
    }
    // A shared pledge is printed once.
    expect(text.split('首问负责，限时办结。')).toHaveLength(2);
    for (const stale of ['今日在岗', '王芳', '赵强', 'PC01', '工号']) expect(text).not.toContain(stale);
  });

  it('stays one page per window however long the lists, A4 and A5', async () => {
    const d = seedWriter(t.runtime);
    const long = (s: string) => s.repeat(60).slice(0, 200);
    await d.putStaff({ id: 'pc-long', unitId: SV.dept, staffNo: 'PC03', name: '钱多', post: '受理', duties: long('职责'), pledge: long('承诺'), partyMember: false });
    await d.putWindow({
      code: 'pclong01',
      unitId: SV.dept,
      hallId: 'sv-hall',
      name: '长列表窗口',
      active: true,
      staffIds: ['pc-long', 'pc-a', 'pc-b'],
      staffOnDutyIds: [],
      serviceItems: Array.from({ length: 100 }, (_, i) => ({ name: `事项${i}`.repeat(8) })),
      surveyId: NATIONAL_SURVEY.surveyId,
      surveyVersion: NATIONAL_SURVEY.version,
    });
    for (const size of ['A4', 'A5']) {
      const pages = await pdfText(bytes(await poster('pclong01', { format: 'pdf', size })));
      expect(pages, size).toHaveLength(1);
      expect(pages[0], size).toContain('服务承诺');
    }
  });
});
