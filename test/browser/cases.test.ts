import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoCounty } from '../../infra/local/demo-county.js';
import { demoWindows, loginToken } from '../support/api-client.js';
import { expectNoAxeViolations } from '../support/axe.js';
import { demoSessions, JS_MODES, launchChromium, phoneContext, type Session } from '../support/browser.js';

/**
 * 差评整改 in the browser (issue 15), with JavaScript and without: a resident rates a demo window
 * 非常不满意 on the public rating page, leaving a number for the 回访; its case is in the window's
 * unit's queue (待核实, due a working day later); the unit administrator opens it, reads the rating's
 * facts — never who rated, the number only behind 查看联系方式 — and works it 待核实 → 立行立改 → 已整改
 * → 已回访 (satisfied) → 已办结, each step with what was done, a missing note named; the steps are
 * listed in order, a finished case offers no step, and its number is gone. Axe on the queue and the case; screenshots
 * at phone and desktop size to /tmp/cases-shots/.
 */
const baseUrl = inject('baseUrl');
/** A 1×1 PNG: the photo of a fix. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const shotsDir = '/tmp/cases-shots';

let browser: Browser;
let windows: Awaited<ReturnType<typeof demoWindows>>;
const sessions: Partial<Record<'cepingyuan', Session>> = {};

beforeAll(async () => {
  browser = await launchChromium();
  // Demo windows 12 and 13: rated by no other resident test (see anti-stuffing.test.ts for who rates which).
  windows = await demoWindows(baseUrl, await loginToken(baseUrl));
  Object.assign(sessions, await demoSessions(browser, baseUrl, ['cepingyuan']));
  mkdirSync(shotsDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function adminContext(javaScriptEnabled: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled, bypassCSP: true, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: sessions.cepingyuan! });
  context.setDefaultTimeout(60_000);
  return context;
}

const axe = expectNoAxeViolations;

async function screenshots(page: Page, name: string): Promise<void> {
  for (const [size, width, height] of [['phone', 390, 844], ['desktop', 1280, 900]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(shotsDir, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe.each(JS_MODES)('差评整改 $name', ({ javaScriptEnabled }) => {
  const settle = javaScriptEnabled ? ('networkidle' as const) : ('load' as const);

  it('opens a case from a 非常不满意 rating and works it to 已办结 through the case page', async () => {
    const window = windows[javaScriptEnabled ? 12 : 13]!;
    const unitId = demoCounty().windows.find((candidate) => candidate.code === window.code)!.unitId;
    const comment = `窗口无人（${javaScriptEnabled ? 'js' : 'nojs'} ${Date.now().toString(36)}）`;
    const phone = javaScriptEnabled ? '13900000012' : '13900000013';
    const resident = await phoneContext(browser, javaScriptEnabled);
    try {
      const page = await resident.newPage();
      await page.goto(`${baseUrl}/w/${window.code}`);
      await page.getByRole('group', { name: /满意吗/ }).getByRole('radio', { name: '非常不满意', exact: true }).check();
      await page.locator('summary', { hasText: '意见或建议' }).click();
      await page.locator('#comment').fill(comment);
      await page.locator('summary', { hasText: '电话回访' }).click();
      await page.locator('#contactPhone').fill(phone);
      await page.locator('#consentToCallback').check();
      await Promise.all([page.waitForURL(/\/thanks$/), page.getByRole('button', { name: '提交评价' }).click()]);
    } finally {
      await resident.close();
    }

    const admin = await adminContext(javaScriptEnabled);
    try {
      const page = await admin.newPage();
      await page.goto(`${baseUrl}/admin/cases?unit=${encodeURIComponent(unitId)}&state=pending`, { waitUntil: settle });
      await expect(page.getByTestId('admin-nav').locator('[aria-current="page"]').allInnerTexts()).resolves.toEqual(['差评整改']);
      const rows = page.getByTestId('cases').locator('tbody tr').filter({ hasText: window.name });
      expect(await rows.count()).toBeGreaterThan(0);
      if (javaScriptEnabled) await axe(page, 'the queue');
      await screenshots(page, `queue-${javaScriptEnabled ? 'js' : 'nojs'}`);
      // The newest of the window's cases is ours: find it by its comment on the case page.
      let found = false;
      for (const href of await rows.locator('a').evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).getAttribute('href')!))) {
        await page.goto(`${baseUrl}${href}`, { waitUntil: settle });
        if ((await page.getByTestId('case-facts').innerText()).includes(comment)) {
          found = true;
          break;
        }
      }
      expect(found, 'the case of the rating just made').toBe(true);
      const facts = await page.getByTestId('case-facts').innerText();
      expect(facts).toContain('非常不满意');
      expect(facts).toContain('留有联系方式（实名差评，可回访）');
      expect(await page.content()).not.toContain(phone);
      await expect(page.locator('h1 [data-state]').innerText()).resolves.toBe('待核实');
      if (javaScriptEnabled) await axe(page, 'the case page');

      // Each step lands back on the case (?done=step) with one more line in its record.
      const steps = page.getByTestId('case-history').locator('li');
      const step = async (to: string, note: string, outcome?: string) => {
        const before = await steps.count();
        const form = page.getByTestId('step-form');
        await form.getByLabel(to, { exact: true }).check();
        if (outcome) await form.getByTestId('outcome').getByLabel(outcome, { exact: true }).check();
        await form.getByLabel('办理情况').fill(note);
        await form.getByRole('button', { name: '提交', exact: true }).click();
        await page.waitForFunction((n) => document.querySelectorAll('[data-testid="case-history"] li').length === n, before + 1);
        expect(page.url()).toMatch(/\?done=step$/);
        await expect(page.locator('h1 [data-state]').innerText()).resolves.toBe(to);
      };
      // A step without what was done: named, nothing changed.
      const form = page.getByTestId('step-form');
      await form.getByLabel('立行立改', { exact: true }).check();
      await form.getByLabel('办理情况').fill('   ');
      await form.getByRole('button', { name: '提交', exact: true }).click();
      await page.getByText('请填写办理情况。').waitFor();
      await expect(page.locator('h1 [data-state]').innerText()).resolves.toBe('待核实');

      await step('立行立改', '核实：当时窗口人员离岗，已安排顶岗');
      // 已整改 with a photo of the fix: kept with the step, shown from the record.
      await page.getByTestId('step-form').locator('#attachment').setInputFiles({ name: 'fix.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
      await step('已整改', '已建立离岗登记和顶岗制度');
      const photoHref = await page.getByTestId('attachment-link').getAttribute('href');
      const photo = await page.request.get(`${baseUrl}${photoHref}`);
      expect(photo.status()).toBe(200);
      expect(photo.headers()['content-type']).toBe('image/png');
      expect((await photo.body()).toString('base64')).toBe(PNG);
      // 查看联系方式: the number, in the answer only (not in the address), for the 回访.
      await page.getByTestId('contact-button').click();
      await expect(page.getByTestId('contact-phone').innerText()).resolves.toContain(phone);
      expect(page.url()).not.toContain(phone);
      if (javaScriptEnabled) await axe(page, 'the case page with its number shown');
      await screenshots(page, `contact-${javaScriptEnabled ? 'js' : 'nojs'}`);
      await step('已回访', '已电话回访，群众对处理结果满意', '满意');
      await expect(page.getByTestId('case-callback').innerText()).resolves.toBe('满意');
      await step('已办结', '回访满意，办结');
      await expect(page.getByTestId('case-final').innerText()).resolves.toBe('本事项已结束，不能再办理。');
      await expect(page.getByTestId('step-form').count()).resolves.toBe(0);
      const history = await page.getByTestId('case-history').locator('li strong').allInnerTexts();
      expect(history).toEqual(['待核实 → 立行立改', '立行立改 → 已整改', '已整改 → 已回访', '已回访 → 已办结']);
      await expect(page.getByTestId('case-history').innerText()).resolves.toContain('回访结果：满意');
      await expect(page.getByTestId('case-contact').innerText()).resolves.toContain('联系方式已在事项结束时删除。');
      await screenshots(page, `case-${javaScriptEnabled ? 'js' : 'nojs'}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(1280);
    } finally {
      await admin.close();
    }
  }, 180_000);

  it('lists on the county’s queue what its bureaus left overdue, escalated by the sweep at start', async () => {
    const admin = await adminContext(javaScriptEnabled);
    try {
      const page = await admin.newPage();
      await page.goto(`${baseUrl}/admin/cases?unit=jn-qh-lj`, { waitUntil: settle });
      await page.getByTestId('case-filters').getByLabel('下级单位超期上报的事项').check();
      await Promise.all([page.waitForURL(/escalated=true/), page.getByTestId('case-filters').getByRole('button', { name: '查看' }).click()]);
      await page.getByTestId('escalated-intro').waitFor();
      const rows = page.getByTestId('cases').locator('tbody tr');
      expect(await rows.count()).toBeGreaterThan(0);
      // Each row: a bureau of the county (not the county itself), 超期 and 已上报.
      const first = await rows.first().locator('td').allInnerTexts();
      expect(first[1]).toMatch(/^临江县.+/);
      expect(first[1]).not.toBe('临江县');
      expect(first.at(-1)).toMatch(/超期.*已上报/);
      if (javaScriptEnabled) await axe(page, 'the escalated queue');
      await screenshots(page, `escalated-${javaScriptEnabled ? 'js' : 'nojs'}`);
      // Its case page says where it went, and the record has the sweep's line.
      await rows.first().locator('a').click();
      await page.getByTestId('case-escalated').waitFor();
      await expect(page.getByTestId('case-escalated').innerText()).resolves.toContain('临江县');
      await expect(page.getByTestId('case-history').innerText()).resolves.toContain('超期未办，已自动上报 临江县');
    } finally {
      await admin.close();
    }
  }, 120_000);

  it('sets a unit’s deadlines to the 15-day rule for 限期整改, and inherits again', async () => {
    const admin = await adminContext(javaScriptEnabled);
    // One unit per mode, so the two runs never meet: 税务局 and 不动产登记中心 (no other test reads their deadlines).
    const unit = javaScriptEnabled ? 'lj-sw' : 'lj-bdc';
    try {
      const page = await admin.newPage();
      await page.goto(`${baseUrl}/admin/cases?unit=${unit}`, { waitUntil: settle });
      await Promise.all([page.waitForURL(/\/admin\/cases\/deadlines/), page.getByTestId('deadlines-link').click()]);
      await expect(page.getByTestId('deadlines-source').innerText()).resolves.toContain('使用默认值');
      const form = page.getByTestId('deadlines-form');
      await form.getByLabel(/限期整改期限/).fill('15');
      await Promise.all([page.waitForURL(/done=saved/), form.getByRole('button', { name: '保存本单位的设置' }).click()]);
      await page.getByTestId('deadlines-saved').waitFor();
      await expect(page.getByTestId('deadlines-source').innerText()).resolves.toBe('本单位自行设置');
      await expect(page.getByTestId('deadlines-effective').innerText()).resolves.toContain('15 个工作日');
      if (javaScriptEnabled) await axe(page, 'the deadlines page');
      await screenshots(page, `deadlines-${javaScriptEnabled ? 'js' : 'nojs'}`);
      await page.getByTestId('deadlines-inherit').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="deadlines-source"]')?.textContent?.includes('使用默认值'));
      await expect(page.getByTestId('deadlines-effective').innerText()).resolves.toContain('5 个工作日');
    } finally {
      await admin.close();
    }
  }, 120_000);

  it('records a notice in the 问责台账, lists it under its quarter and downloads the register', async () => {
    const admin = await adminContext(javaScriptEnabled);
    const documentNo = `临政务通〔2026〕${javaScriptEnabled ? 101 : 102}号`;
    try {
      const page = await admin.newPage();
      await page.goto(`${baseUrl}/admin/cases?unit=lj-rs`, { waitUntil: settle });
      await Promise.all([page.waitForURL(/\/admin\/cases\/accountability/), page.getByTestId('register-link').click()]);
      const form = page.getByTestId('register-form');
      // A missing reason is named (the browser's own check is bypassed to reach the server's).
      await form.evaluate((element) => ((element as HTMLFormElement).noValidate = true));
      await form.locator('#subject').selectOption({ index: 2 });
      await form.getByLabel('约谈').check();
      await form.locator('#form-period').fill('2026-11');
      await form.locator('#documentNo').fill(documentNo);
      await form.locator('#issuedBy').fill('临江县政务服务管理办公室');
      await form.getByRole('button', { name: '登记' }).click();
      await page.getByText('请填写事由（不超过 1000 字）。').waitFor();
      await page.locator('#reason').fill('窗口服务态度差评集中，约谈窗口负责人');
      await Promise.all([page.waitForURL(/done=created/), page.getByTestId('register-form').getByRole('button', { name: '登记' }).click()]);
      await page.getByTestId('register-created').waitFor();
      // Listed under its month, and under its quarter.
      expect(page.url()).toContain('period=2026-11');
      await expect(page.getByTestId('register').innerText()).resolves.toContain(documentNo);
      await page.goto(`${baseUrl}/admin/cases/accountability?unit=jn-qh-lj&period=2026-Q4`, { waitUntil: settle });
      const row = page.getByTestId('register').locator('tbody tr').filter({ hasText: documentNo });
      await expect(row.innerText()).resolves.toMatch(/2026年11月\s+约谈/);
      if (javaScriptEnabled) await axe(page, 'the accountability register');
      await screenshots(page, `register-${javaScriptEnabled ? 'js' : 'nojs'}`);
      // The CSV through the web server: the row is in it.
      const csv = await page.request.get(`${baseUrl}${await page.getByTestId('register-csv').getAttribute('href')}`);
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toContain('text/csv');
      expect((await csv.body()).toString('utf8')).toContain(documentNo);
    } finally {
      await admin.close();
    }
  }, 120_000);
});
