import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoCounty } from '../../infra/local/demo-county.js';
import { loginToken } from '../support/api-client.js';
import { expectNoAxeViolations } from '../support/axe.js';
import { demoSessions, JS_MODES, launchChromium, type Session } from '../support/browser.js';

/**
 * The public mailbox in the browser (issue 15 §3; decision 0029), with JavaScript and without: a
 * resident on a phone walks 江南省 › 清河市 › 临江县 › a bureau, writes to its 投诉信箱 — a letter too
 * short, then a number without consent, each named beside its field — and is told when the bureau is
 * due; the bureau's administrator finds the letter in its queue and reads it on the case page. The
 * county named its head in the demo (`zhuren`): its page offers the 一把手信箱, and the head's own
 * queue lists the demo's letter to them.
 */
const baseUrl = inject('baseUrl');
let browser: Browser;
let token: string;
const sessions: Partial<Record<'cepingyuan' | 'zhuren', Session>> = {};

const api = async (path: string) => (await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();

beforeAll(async () => {
  browser = await launchChromium();
  token = await loginToken(baseUrl);
  Object.assign(sessions, await demoSessions(browser, baseUrl, ['cepingyuan', 'zhuren']));
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(JS_MODES)('the public mailbox $name', ({ javaScriptEnabled }) => {
  it('takes a letter to a bureau’s 投诉信箱, named errors first, and its administrator reads it in the queue', async () => {
    const subject = `窗口叫号混乱（${javaScriptEnabled ? '甲' : '乙'}）`;
    // bypassCSP: the axe check is a script the page's policy would refuse; the page itself runs none.
    const resident = await browser.newContext({ javaScriptEnabled, bypassCSP: true, viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    resident.setDefaultTimeout(60_000);
    try {
      const page = await resident.newPage();
      await page.goto(`${baseUrl}/m`);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('投诉信箱');
      for (const name of ['江南省', '清河市', '临江县', '临江县人力资源和社会保障局']) await page.getByTestId('mailbox-units').getByRole('link', { name, exact: true }).click();
      await expect(page.getByTestId('mailbox-unit').innerText()).resolves.toBe('写信给：临江县人力资源和社会保障局');
      await expect(page.getByTestId('mailbox-crumbs').innerText()).resolves.toContain('临江县');
      if (javaScriptEnabled) await expectNoAxeViolations(page, 'the mailbox page');

      const form = page.getByTestId('letter-form');
      await form.evaluate((element) => ((element as HTMLFormElement).noValidate = true));
      await page.getByLabel('标题').fill(subject);
      await page.getByLabel('内容').fill('太乱');
      await page.getByLabel('手机号（选填）').fill('13800000000');
      await page.getByTestId('letter-submit').click();
      await page.getByText('请写明情况（5–1000 字）。').waitFor();
      // What was typed stays; the next refusal names the consent.
      await expect(page.getByLabel('标题').inputValue()).resolves.toBe(subject);
      await page.getByTestId('letter-form').evaluate((element) => ((element as HTMLFormElement).noValidate = true));
      await page.getByLabel('内容').fill('上午十点取号后叫号屏不显示，工作人员也未告知，等了一个多小时。');
      await page.getByTestId('letter-submit').click();
      await page.getByText('留下手机号时，请勾选同意回访。').waitFor();
      await page.getByLabel('我同意单位通过此号码回访我').check();
      await Promise.all([page.waitForURL(/\/m\/thanks\?due=\d{4}-\d{2}-\d{2}$/), page.getByTestId('letter-submit').click()]);
      await expect(page.getByTestId('letter-received').innerText()).resolves.toBe('来信已收到');
      await expect(page.locator('main').innerText()).resolves.toMatch(/该单位最迟于 \d{4}-\d{2}-\d{2} 核实处理。/);
    } finally {
      await resident.close();
    }

    // The bureau's queue: the letter, 待核实, named as a 投诉信箱 letter; its page shows what was written.
    const { items } = (await api('/api/cases?unitId=lj-rs&state=pending&limit=200')) as { items: { caseId: string; mailbox?: string }[] };
    let caseId: string | undefined;
    for (const item of items.filter((row) => row.mailbox === 'complaint')) if ((await api(`/api/cases/${item.caseId}`)).subject === subject) caseId = item.caseId;
    expect(caseId).toBeTruthy();
    const admin = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: sessions.cepingyuan! });
    admin.setDefaultTimeout(60_000);
    try {
      const page = await admin.newPage();
      await page.goto(`${baseUrl}/admin/cases?unit=lj-rs&state=pending`);
      await expect(page.locator(`tr[data-case="${caseId}"]`).innerText()).resolves.toContain('投诉信箱来信');
      await page.goto(`${baseUrl}/admin/cases/${caseId}`);
      await expect(page.getByTestId('letter-subject').innerText()).resolves.toBe(subject);
      await expect(page.getByTestId('letter-content').innerText()).resolves.toContain('叫号屏不显示');
      await expect(page.getByTestId('case-facts').innerText()).resolves.toContain('留有联系方式（可回访）');
    } finally {
      await admin.close();
    }
  }, 120_000);
});

describe('the 一把手信箱', () => {
  it('is offered for the county that named its head, and the head’s own queue lists the letters to them', async () => {
    const resident = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const page = await resident.newPage();
      await page.goto(`${baseUrl}/m?unit=jn-qh-lj`);
      await expect(page.getByLabel('一把手信箱（同时送达单位主要负责人）').count()).resolves.toBe(1);
      await page.goto(`${baseUrl}/m?unit=lj-rs`);
      await expect(page.getByText('该单位暂未开通一把手信箱。').count()).resolves.toBe(1);
      // From a window's page: its unit's form, about that window unless unticked. No window is listed otherwise.
      const window = demoCounty().windows.find((candidate) => candidate.unitId === 'lj-rs' && candidate.active)!;
      await expect(page.getByRole('checkbox', { name: /^反映的是/ }).count()).resolves.toBe(0);
      await page.goto(`${baseUrl}/w/${window.code}`);
      await Promise.all([page.waitForURL(/\/m\?unit=lj-rs&window=/), page.getByTestId('mailbox-link').click()]);
      await expect(page.getByRole('checkbox', { name: `反映的是“${window.name}”` }).isChecked()).resolves.toBe(true);
    } finally {
      await resident.close();
    }
    const head = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: sessions.zhuren! });
    try {
      const page = await head.newPage();
      await page.goto(`${baseUrl}/admin/cases?unit=jn-qh-lj&addressed=true`);
      await expect(page.getByTestId('cases').innerText()).resolves.toContain('一把手信箱来信');
      await page.goto(`${baseUrl}/admin/cases/deadlines?unit=jn-qh-lj`);
      await expect(page.getByTestId('head-current').innerText()).resolves.toBe('当前：临江县主要负责人（zhuren）');
    } finally {
      await head.close();
    }
  }, 120_000);
});
