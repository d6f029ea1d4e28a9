import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDays, chinaDay, lastCompleteMonth } from '../../shared/src/domain/china-time.js';
import { monthLabel } from '../../shared/src/domain/report-period.js';
import { DEMO_BURST_RATINGS } from '../../infra/local/seed.js';
import { loginToken } from '../support/api-client.js';
import { JS_MODES, adminLogin, desktopContext, launchChromium, staffLogin } from '../support/browser.js';

/**
 * The committee's results pages (issue 4) against the whole local stack and its demo county
 * (ratings over the last 60 days), with JavaScript on and off: the report and its filters, drill
 * down to a child unit and to a window, the three downloads with their SHA-256, /verify
 * recognising a downloaded file, refused filters explained next to the field, and the staff
 * member's own page. The page's numbers are checked against the API's answer for the same query.
 */

const baseUrl = inject('baseUrl');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const COUNTY = 'jn-qh-lj';
/**
 * The end of the custom ranges below. Each such URL names both days, so the page and the API answer
 * for the same days even if the China day changes during the run; only a page without a period
 * depends on the clock (see `expectSameNAsApi` and the default month below).
 */
const today = chinaDay(new Date());
const STAFF = { username: 'gongzuo', password: 'Manyi-demo-2026' };
const SIXTY_DAYS = `period=custom&from=${addDays(today, -59)}&to=${today}`;

let browser: Browser;
let token: string;

beforeAll(async () => {
  browser = await launchChromium();
  token = await loginToken(baseUrl);
});

afterAll(async () => {
  await browser?.close();
});

/** The report as the API answers it for a page's query string. */
async function apiReport(search: string, bearer = token) {
  const response = await fetch(`${baseUrl}/api/reports/satisfaction${search}`, { headers: { authorization: `Bearer ${bearer}` } });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as {
    scope: { name: string; window?: { name: string } };
    summary: { n: number | null; suppressed: string | null };
    attribution: { text: { zh: string } };
    suspect: { text: { zh: string } };
    appeals: { text: { zh: string } };
    cases?: { summary: { opened: { n: number | null; suppressed: string | null }; metrics: { rectified: { n: number | null } } } };
  };
}

/** The query of the page now shown, as the page sends it to the API: a submitted form's empty fields are left out. */
function searchOf(page: Page): string {
  const search = new URLSearchParams([...new URL(page.url()).searchParams].filter(([, value]) => value !== ''));
  return `?${search}`;
}

async function shownN(page: Page): Promise<string> {
  return (await page.getByTestId('report-n').innerText()).trim();
}

/** The days the page's report covers, as its period line says: `{label}（{from} 至 {to}，北京时间）`. */
async function shownPeriod(page: Page): Promise<{ from: string; to: string }> {
  const text = await page.getByTestId('report-period').innerText();
  const match = /(\d{4}-\d{2}-\d{2}) 至 (\d{4}-\d{2}-\d{2})/.exec(text);
  expect(match, text).not.toBeNull();
  return { from: match![1]!, to: match![2]! };
}

async function expectSameNAsApi(page: Page): Promise<void> {
  const search = new URLSearchParams(searchOf(page));
  // Without a period in the URL the page chose the last complete month when it was built; the API,
  // asked later, would choose its own (another one if a month ended in between): ask for the page's.
  if (!search.get('period') && !search.get('month')) search.set('month', (await shownPeriod(page)).from.slice(0, 7));
  const report = await apiReport(`?${search}`);
  expect(await shownN(page)).toBe(report.summary.suppressed ? (report.summary.suppressed === 'small-group' ? '<5' : '已隐藏') : String(report.summary.n));
  // How many ratings named a staff member, next to the staff rows (decision 0012-attribution).
  await expect(page.getByTestId('attribution').innerText()).resolves.toBe(report.attribution.text.zh);
  // How many 可疑评价 the period had, counted apart (decision 0016-burst-detector).
  await expect(page.getByTestId('report-suspect').innerText()).resolves.toBe(report.suspect.text.zh);
  // How many appeals were upheld, and whether these definitions took them out (issue 15 §2).
  await expect(page.getByTestId('report-appeals').innerText()).resolves.toBe(report.appeals.text.zh);
  // 差评整改: the cases the period's ratings opened, as the API counts them (issue 15 §4).
  const opened = report.cases!.summary.opened;
  const total = page.getByTestId('case-metrics').locator('tr[data-key="total"]');
  await expect(total.getByTestId('opened').innerText()).resolves.toBe(opened.suppressed ? (opened.suppressed === 'small-group' ? '<5' : '已隐藏') : String(opened.n));
  if (report.cases!.summary.metrics.rectified.n !== null) {
    await expect(total.locator('[data-metric="rectified"] .sub').innerText()).resolves.toBe(String(report.cases!.summary.metrics.rectified.n));
  }
}

describe.each(JS_MODES)('the committee report $name', ({ javaScriptEnabled }) => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await desktopContext(browser, javaScriptEnabled);
    page = await context.newPage();
    await adminLogin(page, baseUrl);
  });
  afterAll(async () => {
    await context?.close();
  });

  it('shows the county’s report with definitions, intervals and the suppression rule, and changes period and scope through the form', async () => {
    const requested = new Date();
    expect((await page.goto(`${baseUrl}/admin/reports?unit=${COUNTY}`))?.status()).toBe(200);
    const answered = new Date();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('满意度报表');
    await expectSameNAsApi(page);
    // Without a period in the URL the page shows the last complete month, and says so: the month
    // complete when the server built the page, somewhere between the request and its answer.
    const lastMonth = (await shownPeriod(page)).from.slice(0, 7);
    expect([lastCompleteMonth(requested), lastCompleteMonth(answered)]).toContain(lastMonth);
    const lastMonthLabel = monthLabel(lastMonth).zh;
    await expect(page.getByTestId('default-period').innerText()).resolves.toContain(lastMonthLabel);
    await expect(page.getByTestId('report-period').innerText()).resolves.toContain(lastMonthLabel);
    // The demo's burst (twelve ratings of one window in one hour on the 15th) is in that month: counted apart.
    await expect(page.getByTestId('report-suspect').innerText()).resolves.toContain(`本期另有 ${DEMO_BURST_RATINGS} 条可疑评价`);
    const text = await page.locator('main').innerText();
    for (const words of ['口径与公式', '95% 置信区间', '小样本保护规则', '考核折算', '数据提取时间', '北京时间', '月度趋势']) expect(text).toContain(words);

    // The period: a custom range of the last 60 days, chosen in the form.
    await page.getByLabel('统计周期', { exact: true }).selectOption('custom');
    await page.getByLabel('开始日期').fill(addDays(today, -59));
    await page.getByLabel('结束日期').fill(today);
    await Promise.all([page.waitForURL(/period=custom/), page.getByRole('button', { name: '查询' }).click()]);
    expect(new URL(page.url()).searchParams.get('from')).toBe(addDays(today, -59));
    await expectSameNAsApi(page);
    expect(Number(await shownN(page))).toBeGreaterThan(100);
    await expect(page.getByTestId('report-period').innerText()).resolves.toContain(addDays(today, -59));

    // The scope: a department chosen in the unit select.
    const department = await page.getByTestId('by-unit').locator('tbody a').first().getAttribute('href');
    const unit = new URL(department!, baseUrl).searchParams.get('unit')!;
    await page.getByLabel('统计范围（单位）').selectOption(unit);
    await Promise.all([page.waitForURL(new RegExp(`unit=${unit}`)), page.getByRole('button', { name: '查询' }).click()]);
    const scoped = await apiReport(searchOf(page));
    await expect(page.getByTestId('report-scope').innerText()).resolves.toContain(scoped.scope.name);
    await expectSameNAsApi(page);
  });

  it('drills down from the county to a child unit, then to one of its windows', async () => {
    await page.goto(`${baseUrl}/admin/reports?unit=${COUNTY}&${SIXTY_DAYS}`);
    const child = page.getByTestId('by-unit').locator('tbody a').first();
    const childName = (await child.innerText()).trim();
    await Promise.all([page.waitForURL(/unit=(?!jn-qh-lj)/), child.click()]);
    await expect(page.getByTestId('report-scope').innerText()).resolves.toContain(childName);
    expect(new URL(page.url()).searchParams.get('from')).toBe(addDays(today, -59));
    await expectSameNAsApi(page);

    const window = page.getByTestId('by-window').locator('tbody a').first();
    const windowName = (await window.innerText()).trim();
    await Promise.all([page.waitForURL(/window=[a-z0-9]{8}/), window.click()]);
    await expect(page.getByTestId('report-scope').innerText()).resolves.toContain(windowName);
    const report = await apiReport(searchOf(page));
    expect(report.scope.window?.name).toBe(windowName);
    await expectSameNAsApi(page);
    // Back to the whole unit.
    await Promise.all([page.waitForURL((url) => !url.searchParams.has('window')), page.getByRole('link', { name: '查看整个单位' }).click()]);
  });

  it('downloads XLSX, CSV and PDF of exactly the report on screen, each with its SHA-256, and /verify recognises the file', async () => {
    await page.goto(`${baseUrl}/admin/reports?unit=${COUNTY}&${SIXTY_DAYS}`);
    const n = await shownN(page);
    const expected = { xlsx: /spreadsheetml/, csv: /^text\/csv/, pdf: /^application\/pdf/ } as const;
    const files: Record<string, Buffer> = {};
    for (const format of ['xlsx', 'csv', 'pdf'] as const) {
      const link = page.getByTestId(`download-${format}`);
      const href = (await link.getAttribute('href'))!;
      expect(new URL(href, baseUrl).searchParams.get('from')).toBe(addDays(today, -59));

      // As the browser downloads it…
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${format}$`));
      const file = await readFile((await download.path())!);
      expect(file.length).toBeGreaterThan(100);
      files[format] = file;

      // …and as the same URL answers with the page's session cookie: type, name and hash passed through.
      const response = await context.request.get(`${baseUrl}${href}`);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toMatch(expected[format]);
      expect(response.headers()['content-disposition']).toMatch(/^attachment;/);
      const body = await response.body();
      expect(response.headers()['x-manyi-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    }
    expect(files.pdf!.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(files.xlsx!.subarray(0, 2).toString('latin1')).toBe('PK');
    // CSV in UTF-8 with a BOM (Excel and WPS), carrying the page's n.
    expect([...files.csv!.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(files.csv!.toString('utf8')).toContain(n);

    // /verify, public: a new visitor without a session uploads the downloaded file.
    const visitor = await desktopContext(browser, javaScriptEnabled);
    const verify = await visitor.newPage();
    expect((await verify.goto(`${baseUrl}/verify`))?.status()).toBe(200);
    for (const format of ['xlsx', 'csv', 'pdf'] as const) {
      await verify.goto(`${baseUrl}/verify`);
      await verify.getByLabel('报表文件（XLSX、CSV 或 PDF）').setInputFiles({ name: `report.${format}`, mimeType: 'application/octet-stream', buffer: files[format]! });
      await verify.locator('form', { has: verify.locator('input[type=file]') }).getByRole('button', { name: '核验' }).click();
      const result = verify.getByTestId('verify-result');
      await result.waitFor();
      await expect(result.innerText(), format).resolves.toContain('此文件由本系统生成');
      await expect(result.innerText(), format).resolves.toContain(format.toUpperCase());
      // 口径 by its name, as the file prints it, not the set's id.
      await expect(verify.getByTestId('verify-definition').innerText(), format).resolves.toBe('全国政务服务“好差评”标准');
    }

    // A changed file is not recognised.
    const changed = Buffer.concat([files.csv!, Buffer.from('\n')]);
    await verify.goto(`${baseUrl}/verify`);
    await verify.getByLabel('报表文件（XLSX、CSV 或 PDF）').setInputFiles({ name: 'report.csv', mimeType: 'text/csv', buffer: changed });
    await verify.locator('form', { has: verify.locator('input[type=file]') }).getByRole('button', { name: '核验' }).click();
    await verify.getByText('未找到', { exact: true }).waitFor();

    // The checksum typed in (in capitals, as someone might copy it) finds the PDF.
    await verify.goto(`${baseUrl}/verify`);
    await verify.getByLabel('数据校验码（SHA-256）').fill(createHash('sha256').update(files.pdf!).digest('hex').toUpperCase());
    await Promise.all([verify.waitForURL(/sha256=/), verify.locator('form[method="GET"]').getByRole('button', { name: '核验' }).click()]);
    await expect(verify.getByTestId('verify-result').innerText()).resolves.toContain('此文件由本系统生成');

    // Not a checksum at all: the message is next to the field.
    await verify.goto(`${baseUrl}/verify?sha256=not-a-hash`);
    await expect(verify.locator('#sha256-error').innerText()).resolves.toContain('64 位十六进制');
    await visitor.close();
  });

  it('explains refused filters next to the field, in Chinese', async () => {
    await page.goto(`${baseUrl}/admin/reports?unit=${COUNTY}&period=quarter&quarter=2026-Q5&minN=2`);
    await expect(page.locator('#quarter-error').innerText()).resolves.toBe('请输入季度，格式如 2026-Q3');
    await expect(page.getByLabel('季度').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#minN-error').innerText()).resolves.toContain('最小样本量');
    expect(await page.getByTestId('report-n').count()).toBe(0);

    await page.goto(`${baseUrl}/admin/reports?unit=no-such-unit`);
    await expect(page.locator('#unit-error').innerText()).resolves.toContain('没有这个单位');
  });
});

describe.each(JS_MODES)('the staff member’s own page $name', ({ javaScriptEnabled }) => {
  it('shows the staff member their own totals for a chosen period, never another person’s', async () => {
    const context = await desktopContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    // Staff land on their own page.
    await staffLogin(page, baseUrl, STAFF.username, STAFF.password);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('我的服务评价');
    await page.getByLabel('统计周期', { exact: true }).selectOption('custom');
    await page.getByLabel('开始日期').fill(addDays(today, -59));
    await page.getByLabel('结束日期').fill(today);
    await Promise.all([page.waitForURL(/period=custom/), page.getByRole('button', { name: '查询' }).click()]);

    const staffToken = await loginToken(baseUrl, STAFF.username, STAFF.password);
    const response = await fetch(`${baseUrl}/api/reports/me${searchOf(page)}`, { headers: { authorization: `Bearer ${staffToken}` } });
    expect(response.status).toBe(200);
    const own = (await response.json()) as { scope: { name: string }; summary: { n: number | null; suppressed: string | null }; attribution: { text: { zh: string } } };
    await expect(page.getByTestId('report-scope').innerText()).resolves.toContain(own.scope.name);
    if (own.summary.suppressed) await expect(page.getByTestId('me-suppressed').innerText()).resolves.toBe('样本不足5条，暂不显示');
    else await expect(page.getByTestId('report-n').innerText()).resolves.toBe(String(own.summary.n));
    // The figures are the ratings that named this person: the page says how many named anybody.
    await expect(page.getByTestId('attribution').innerText()).resolves.toBe(own.attribution.text.zh);
    expect(own.attribution.text.zh).toContain('您的统计只含指明您本人的评价');
    // No breakdown by other people, windows' staff or rankings on this page.
    expect(await page.getByTestId('by-staff').count()).toBe(0);
    expect(await page.getByTestId('rank-units').count()).toBe(0);

    // The committee report is not theirs.
    await page.goto(`${baseUrl}/admin/reports`);
    await expect(page.getByRole('alert').first().innerText()).resolves.toContain('无权');
    await context.close();
  });
});

describe('the report page', () => {
  it('has no serious or critical accessibility issues (axe-core)', async () => {
    // The page's CSP rightly forbids inline scripts; the test bypasses it only to inject axe. The
    // session comes from a logged-in context (one TOTP login fewer).
    const login = await desktopContext(browser, true);
    await adminLogin(await login.newPage(), baseUrl);
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', storageState: await login.storageState() });
    await login.close();
    const page = await context.newPage();
    for (const path of [`/admin/reports?unit=${COUNTY}&${SIXTY_DAYS}`, '/verify']) {
      await page.goto(`${baseUrl}${path}`);
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; help: string }[] }> } }).axe;
        const result = await axe.run(document);
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
      });
      expect(violations, path).toEqual([]);
    }
    await context.close();
  });
});
