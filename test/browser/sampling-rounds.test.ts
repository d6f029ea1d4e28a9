import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { advanceRound, loginToken } from '../support/api-client.js';
import { demoSessions, desktopContext, JS_MODES, launchChromium, type Session } from '../support/browser.js';
import { enrollTotp, withTotpCode } from '../support/demo-totp.js';

/**
 * 阳光测评 rounds in the admin pages (issue 13 §2–3), with JavaScript and without: 办件 pushed by
 * a 接入系统, a round made through the form (the calculator used once, a bad field refused next to
 * it), committed, frozen (a job: its progress and 继续冻结 without JavaScript, going on by itself
 * with it; then the strata shown), drawn with a public input, its pack downloaded, and closed by a
 * second administrator after the one who drew is refused (separation of duties). Screenshots of
 * the list, the form, the freeze under way and the round page at desktop and phone sizes go to
 * test-results/sampling-rounds/ for a person to look at.
 */
const baseUrl = inject('baseUrl');
const shotsDir = join(new URL('../../', import.meta.url).pathname, 'test-results', 'sampling-rounds');
const PASSWORD = 'Browser-Test-2026!';
const run = Date.now().toString(36);
const SECOND_ADMIN = `rounds.${run}`;

let browser: Browser;
let adminToken: string;
const sessions: Partial<Record<'admin' | 'second', Session>> = {};

const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function api(path: string, token: string, body: unknown) {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
}

/** 12 people at two departments of the demo county, served three days ago, each with a mobile of this run. */
async function pushRecords(adminToken: string): Promise<void> {
  const client = await api('/api/integration-clients', adminToken, { unitId: 'jn-qh-lj', name: `测评浏览器测试${run}` });
  expect(client.status).toBe(201);
  const records = Array.from({ length: 12 }, (_, i) => ({
    projNo: `BR-${run}-${i}`,
    unitId: i < 8 ? 'lj-scjg' : 'lj-rs',
    serviceItem: '营业执照设立登记',
    finishedAt: daysAgo(3).toISOString(),
    servedVia: 'window',
    applicantType: 'person',
    applicantMobile: `138${String(Date.now() % 1e4).padStart(4, '0')}${String(i).padStart(4, '0')}`,
  }));
  const pushed = await api('/api/service-records', client.json.credential as string, { records });
  expect(pushed.status, JSON.stringify(pushed.json)).toBeLessThan(300);
}

/**
 * A frozen round of 210 people of this run and mode (a service item of their own, no quarantine),
 * all of them to be drawn: more than one step of the draw's job (200 entries), so the sample is
 * stored over several calls.
 */
async function frozenLargeRound(tag: string): Promise<string> {
  const serviceItem = `抽取作业测试${run}${tag}`;
  const client = await api('/api/integration-clients', adminToken, { unitId: 'jn-qh-lj', name: `抽取作业测试${run}${tag}` });
  expect(client.status).toBe(201);
  const records = Array.from({ length: 210 }, (_, i) => ({
    projNo: `DJ-${run}-${tag}-${i}`,
    unitId: 'lj-scjg',
    serviceItem,
    finishedAt: daysAgo(2).toISOString(),
    servedVia: 'window',
    applicantType: 'person',
    applicantMobile: `137${String(Date.now() % 1e4).padStart(4, '0')}${tag === 'js' ? 1 : 2}${String(i).padStart(3, '0')}`,
  }));
  const pushed = await api('/api/service-records', client.json.credential as string, { records });
  expect(pushed.status, JSON.stringify(pushed.json)).toBeLessThan(300);
  const created = await api('/api/sampling-rounds', adminToken, {
    name: `抽取作业 ${tag} ${run}`,
    unitId: 'lj-scjg',
    period: { from: chinaDay(daysAgo(5)), to: chinaDay(new Date()) },
    filters: { serviceItems: [serviceItem] },
    strataBy: 'unit',
    size: { mode: 'total', n: records.length },
    allocation: { method: 'proportional' },
    quarantineDays: 0,
    invitationText: '您好，您近期在临江县市场监督管理局办理了业务，诚邀您评价：{link} 回复TD退订',
    reminders: { count: 1, afterDays: 3 },
    deadline: chinaDay(new Date(Date.now() + 10 * 86_400_000)),
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const roundId = created.json.roundId as string;
  for (const step of ['commit', 'freeze'] as const) {
    const reply = await advanceRound(baseUrl, adminToken, roundId, step);
    expect(reply.status, `${step}: ${JSON.stringify(reply.json)}`).toBe(200);
  }
  return roundId;
}

/** A second system administrator (a real account, enrolled through the API): the one who closes. */
async function secondAdmin(adminToken: string): Promise<Session> {
  const created = await api('/api/accounts', adminToken, { username: SECOND_ADMIN, displayName: '第二管理员', personId: `R${run}`, role: 'unit-admin', unitId: 'jn-qh-lj', password: PASSWORD });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const secret = await enrollTotp(baseUrl, SECOND_ADMIN, PASSWORD);
  const context = await desktopContext(browser, true);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`, { waitUntil: 'networkidle' });
  await page.getByLabel('用户名').fill(SECOND_ADMIN);
  await page.getByLabel('密码').fill(PASSWORD);
  await Promise.all([page.waitForURL(/\/login\/totp$/), page.getByRole('button', { name: '登录' }).click()]);
  await withTotpCode(baseUrl, SECOND_ADMIN, secret, async (code) => {
    await page.getByLabel('动态验证码').fill(code);
    await Promise.all([page.waitForURL(/\/admin/), page.getByRole('button', { name: '验证' }).click()]);
  });
  const session = await context.storageState();
  await context.close();
  return session;
}

beforeAll(async () => {
  browser = await launchChromium();
  adminToken = await loginToken(baseUrl);
  await pushRecords(adminToken);
  Object.assign(sessions, await demoSessions(browser, baseUrl, ['admin']));
  sessions.second = await secondAdmin(adminToken);
  mkdirSync(shotsDir, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

/** The page at a desktop and a phone width, full length. */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const [size, width, height] of [['desktop', 1280, 900], ['phone', 390, 844]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(shotsDir, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Submits with the button and waits for the page the server answers (a reload without JavaScript, an update with it). */
async function press(page: Page, name: string, javaScriptEnabled: boolean, after: () => Promise<unknown>): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  if (javaScriptEnabled) await button.click();
  else await Promise.all([page.waitForLoadState('load'), button.click()]);
  await after();
}

describe.each(JS_MODES)('a 阳光测评 round $name', ({ name: mode, javaScriptEnabled }) => {
  const tag = javaScriptEnabled ? 'js' : 'nojs';

  it('is configured, committed, frozen, drawn, downloaded, and closed by another administrator', async () => {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: sessions.admin!, acceptDownloads: true });
    context.setDefaultTimeout(60_000);
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/admin/rounds`, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
      await expect(page.locator('h1').innerText()).resolves.toBe('阳光测评');
      await expect(page.locator('nav [data-section="rounds"]').getAttribute('aria-current')).resolves.toBe('page');

      await Promise.all([page.waitForURL(/\/admin\/rounds\/new/), page.getByRole('link', { name: '新建测评' }).click()]);
      if (javaScriptEnabled) await page.waitForLoadState('networkidle');
      await expect(page.locator('#invitationText').inputValue()).resolves.toContain('临江县');
      await expect(page.locator('#invitationText').inputValue()).resolves.toContain('{link}');
      await page.locator('#name').fill(`浏览器测评 ${mode} ${run}`);
      await page.locator('#from').fill(chinaDay(daysAgo(10)));
      await page.locator('#to').fill(chinaDay(new Date()));

      // The calculator: ±3% of about 2,000 people is 697 (Cochran with the finite population correction).
      await page.locator('#e').fill('3');
      await page.locator('#population').fill('2000');
      if (!javaScriptEnabled) await press(page, '计算', false, () => page.locator('#e').waitFor());
      await expect(page.getByTestId('calculation').innerText()).resolves.toContain('697');
      await expect(page.locator('#name').inputValue(), 'the calculation keeps what was typed').resolves.toBe(`浏览器测评 ${mode} ${run}`);
      await screenshots(page, `form-${tag}`);

      // No n: the API names size.n, the message stands next to 人数 and nothing typed is lost.
      await press(page, '保存草稿', javaScriptEnabled, () => page.locator('#n-error').waitFor());
      await expect(page.locator('#n-error').innerText()).resolves.toContain('人数须为 1 以上的整数');
      await expect(page.locator('#from').inputValue()).resolves.toBe(chinaDay(daysAgo(10)));

      await page.locator('#n').fill('5');
      await Promise.all([page.waitForURL(/\/admin\/rounds\/r-[0-9a-f]{16}\?done=saved$/), page.getByRole('button', { name: '保存草稿' }).click()]);
      const roundUrl = page.url().split('?')[0]!;
      const roundId = roundUrl.split('/').pop()!;
      await expect(page.locator('[data-state]').first().innerText()).resolves.toBe('草稿');

      await press(page, '提交承诺', javaScriptEnabled, () => page.getByTestId('commitment').waitFor());
      await expect(page.getByTestId('commitment').innerText()).resolves.toMatch(/^[0-9a-f]{64}$/);
      // The freeze is a job: the stack's 0 ms budget reads 4 of the county's partitions (8 units ×
      // the period's months) a call. Without JavaScript each answer shows how far it got, under
      // 继续冻结; with JavaScript one click goes on by itself until the frame is fixed.
      const state = page.locator('h1 [data-state]');
      if (javaScriptEnabled) {
        await press(page, '冻结抽样框', true, () => page.getByTestId('strata').waitFor());
      } else {
        await press(page, '冻结抽样框', false, () => state.waitFor());
        await expect(state.innerText()).resolves.toBe('已承诺');
        await expect(page.getByTestId('job-progress').innerText()).resolves.toMatch(/^正在冻结抽样框：已读取 \d+ \/ \d+ 个分区（单位 × 月份）$/);
        await expect(page.locator('progress#job-bar').isVisible()).resolves.toBe(true);
        await expect(page.getByTestId('step-problem').count(), 'an unfinished freeze is no problem').resolves.toBe(0);
        await screenshots(page, `freeze-progress-${tag}`);
        for (let calls = 1; (await state.innerText()) === '已承诺'; calls++) {
          expect(calls, 'the freeze finishes').toBeLessThan(50);
          await expect(page.getByTestId('job-progress').innerText()).resolves.toContain('正在冻结抽样框');
          await press(page, '继续冻结', false, () => state.waitFor());
        }
      }
      await expect(state.innerText()).resolves.toBe('已冻结');
      await expect(page.getByRole('status').filter({ hasText: '抽样框已冻结。' }).count()).resolves.toBe(1);
      await expect(page.getByTestId('round-job').count(), 'no progress once frozen').resolves.toBe(0);
      // Strata by unit are shown by the unit's name, with its id beside it.
      await expect(page.getByTestId('strata').innerText()).resolves.toContain('临江县市场监督管理局 lj-scjg');
      await expect(page.getByTestId('frame-counts').innerText()).resolves.toContain('抽样框人数 N');

      await page.getByLabel('公开输入').fill('20261206 会上宣布');
      await press(page, '抽取', javaScriptEnabled, () => page.getByTestId('drawn').waitFor());
      await expect(page.getByTestId('drawn').innerText()).resolves.toBe('5');
      await expect(page.getByTestId('public-input').innerText()).resolves.toBe('20261206 会上宣布');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载抽签验证包（JSON）' }).click()]);
      expect(download.suggestedFilename()).toBe(`${roundId}-manyi-draw-v1.json`);
      const pack = JSON.parse(readFileSync((await download.path())!, 'utf8'));
      expect(pack.format).toBe('manyi-draw-v1');

      // The one who drew may not close.
      await press(page, '截止', javaScriptEnabled, () => page.getByTestId('step-problem').waitFor());
      await expect(page.getByTestId('step-problem').innerText()).resolves.toBe('抽取人不能截止本轮测评（职责分离），请由另一位管理员操作。');
      await page.goto(roundUrl);
      await screenshots(page, `round-${tag}`);
      await page.goto(`${baseUrl}/admin/rounds`);
      await screenshots(page, `list-${tag}`);

      const other = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: sessions.second! });
      other.setDefaultTimeout(60_000);
      try {
        const second = await other.newPage();
        await second.goto(roundUrl, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
        await press(second, '截止', javaScriptEnabled, () => second.getByTestId('seed').waitFor());
        await expect(second.locator('h1 [data-state]').innerText()).resolves.toBe('已截止');
        await expect(second.getByTestId('seed').innerText()).resolves.toMatch(/^[0-9a-f]{64}$/);
        await screenshots(second, `round-closed-${tag}`);
      } finally {
        await other.close();
      }
    } finally {
      await context.close();
    }
  }, 240_000);

  it('stores a large sample as a job, and offers neither sending nor closing until it is stored', async () => {
    const roundId = await frozenLargeRound(tag);
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: sessions.admin! });
    context.setDefaultTimeout(60_000);
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/admin/rounds/${roundId}`, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
      const state = page.locator('h1 [data-state]');
      await expect(state.innerText()).resolves.toBe('已冻结');
      await page.getByLabel('公开输入').fill('作业 42');
      if (javaScriptEnabled) {
        // One click: the page calls again by itself until the 210 entries are stored.
        await press(page, '抽取', true, () => page.getByTestId('invitations').waitFor());
      } else {
        // The stack's 0 ms budget stores 200 entries a call: the first answer is the draw unfinished.
        await press(page, '抽取', false, () => state.waitFor());
        await expect(state.innerText()).resolves.toBe('已抽取');
        await expect(page.getByTestId('job-progress').innerText()).resolves.toMatch(/^正在保存样本：\d+ \/ 210$/);
        await expect(page.locator('progress#job-bar').isVisible()).resolves.toBe(true);
        await expect(page.getByTestId('invitations').count(), 'no sending while the sample is stored').resolves.toBe(0);
        await expect(page.getByRole('button', { name: '截止', exact: true }).count(), 'no closing either').resolves.toBe(0);
        await expect(page.getByRole('link', { name: '下载抽签验证包（JSON）' }).count(), 'nor the pack').resolves.toBe(0);
        await expect(page.getByTestId('results').count(), 'nor results counting part of the sample').resolves.toBe(0);
        await expect(page.locator('input[type=hidden][name=publicInput]').inputValue(), 'the next call repeats the public input').resolves.toBe('作业 42');
        await screenshots(page, `draw-progress-${tag}`);
        for (let calls = 1; (await page.getByTestId('round-job').count()) > 0; calls++) {
          expect(calls, 'the draw finishes').toBeLessThan(20);
          await press(page, '继续抽取', false, () => state.waitFor());
        }
      }
      await expect(page.getByTestId('drawn').innerText()).resolves.toBe('210');
      await expect(page.getByTestId('public-input').innerText()).resolves.toBe('作业 42');
      await expect(page.getByRole('status').filter({ hasText: '已抽取样本。' }).count()).resolves.toBe(1);
      await expect(page.getByTestId('invitations').count(), 'sending is offered once the sample is stored').resolves.toBe(1);
      await expect(page.getByRole('button', { name: '截止', exact: true }).count()).resolves.toBe(1);
      await expect(page.getByTestId('results').count()).resolves.toBe(1);
    } finally {
      await context.close();
    }
  }, 180_000);
});
