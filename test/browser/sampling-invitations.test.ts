import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { advanceRound, loginToken } from '../support/api-client.js';
import { demoSessions, JS_MODES, launchChromium, phoneContext, type Session } from '../support/browser.js';

/**
 * 阳光测评 invitations (issue 13 §4, decision 0022), with JavaScript and without: a drawn round's
 * invitations are sent from its page (a job, called until finished), the local outbox lists them
 * with masked numbers and links, a resident opens a link on a phone, answers, lands on a thanks
 * page without the token, and the same link then says 您已参加本次测评. Another person 退订s.
 * Screenshots of the resident page (phone) and the round page (desktop) go to /tmp/shots/.
 */
const baseUrl = inject('baseUrl');
const shotsDir = '/tmp/shots';
const run = Date.now().toString(36);
const UNIT = '临江县市场监督管理局';
const INVITES = `${UNIT} 邀请您对近期办理的业务进行评价`;

let browser: Browser;
let adminToken: string;
let session: Session;

const DAY_MS = 86_400_000;
const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

async function api(method: 'GET' | 'POST', path: string, body?: unknown, bearer = adminToken) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
}

/**
 * A drawn round of three out of four people of this run: their 办件 carry a service item of their
 * own, so the frame is theirs alone whatever other test files push to the shared stack; no
 * quarantine, so neither mode's round leaves people out of the other's.
 */
async function drawnRound(tag: string): Promise<{ roundId: string; name: string }> {
  const client = await api('POST', '/api/integration-clients', { unitId: 'jn-qh-lj', name: `测评邀请浏览器测试${run}${tag}` });
  expect(client.status).toBe(201);
  const serviceItem = `测评邀请测试事项${run}${tag}`;
  const records = Array.from({ length: 4 }, (_, i) => ({
    projNo: `SI-${run}-${tag}-${i}`,
    unitId: 'lj-scjg',
    serviceItem,
    finishedAt: new Date(Date.now() - 2 * DAY_MS).toISOString(),
    servedVia: 'window',
    applicantType: 'person',
    applicantMobile: `139${String(Date.now() % 1e4).padStart(4, '0')}${tag === 'js' ? 1 : 2}${String(i).padStart(3, '0')}`,
  }));
  const pushed = await api('POST', '/api/service-records', { records }, client.json.credential as string);
  expect(pushed.status, JSON.stringify(pushed.json)).toBeLessThan(300);
  const name = `邀请测试 ${tag} ${run}`;
  const created = await api('POST', '/api/sampling-rounds', {
    name,
    unitId: 'lj-scjg',
    period: { from: chinaDay(new Date(Date.now() - 5 * DAY_MS)), to: chinaDay(new Date()) },
    filters: { serviceItems: [serviceItem] },
    strataBy: 'unit',
    size: { mode: 'total', n: 3 },
    allocation: { method: 'proportional' },
    quarantineDays: 0,
    invitationText: '您好，您近期在临江县市场监督管理局办理了业务，诚邀您评价：{link} 回复TD退订',
    reminders: { count: 1, afterDays: 3 },
    deadline: chinaDay(new Date(Date.now() + 10 * DAY_MS)),
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const roundId = created.json.roundId as string;
  for (const [step, body] of [['commit', undefined], ['freeze', undefined], ['draw', { publicInput: run }]] as const) {
    // Freeze and draw are jobs: called again until finished.
    const reply = await advanceRound(baseUrl, adminToken, roundId, step, body);
    expect(reply.status, `${step}: ${JSON.stringify(reply.json)}`).toBe(200);
  }
  return { roundId, name };
}

/** An outbox link opened on this stack (the link names the configured public address). */
const onStack = (link: string) => `${baseUrl}${new URL(link).pathname}`;

/** Submits with the button and waits for what the server answers (a new page without JavaScript, an update with it). */
async function press(page: Page, name: string, javaScriptEnabled: boolean, after: () => Promise<unknown>): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  if (javaScriptEnabled) await button.click();
  else await Promise.all([page.waitForLoadState('load'), button.click()]);
  await after();
}

beforeAll(async () => {
  browser = await launchChromium();
  adminToken = await loginToken(baseUrl);
  ({ admin: session } = await demoSessions(browser, baseUrl, ['admin']));
  mkdirSync(shotsDir, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(JS_MODES)('阳光测评 invitations $name', ({ javaScriptEnabled }) => {
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  let round: { roundId: string; name: string };

  beforeAll(async () => {
    round = await drawnRound(tag);
  }, 120_000);

  it('are sent from the round page, listed in the outbox, and answered once through a link', async () => {
    const admin = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: session });
    admin.setDefaultTimeout(60_000);
    const resident = await phoneContext(browser, javaScriptEnabled);
    try {
      const page = await admin.newPage();
      await page.goto(`${baseUrl}/admin/rounds/${round.roundId}`, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
      await expect(page.locator('h1 [data-state]').innerText()).resolves.toBe('已抽取');
      await page.screenshot({ path: `${shotsDir}/round-drawn-desktop-${tag}.png`, fullPage: true });
      await press(page, '发送邀请短信', javaScriptEnabled, () => page.getByTestId('send-finished').waitFor());
      await expect(page.locator('h1 [data-state]').innerText()).resolves.toBe('发送中');
      await expect(page.getByTestId('sent-of').innerText()).resolves.toBe('已发送 3 / 3');
      await expect(page.locator('[data-count="sent"]').innerText()).resolves.toBe('3');
      await expect(page.locator('[data-count="drawn"]').innerText()).resolves.toBe('0');

      // The outbox: three invitations, numbers masked, each with its own link.
      const rows = page.getByTestId('outbox').locator('tbody tr');
      await expect(rows.count()).resolves.toBe(3);
      await expect(rows.first().locator('[data-kind]').innerText()).resolves.toBe('邀请');
      await expect(rows.first().locator('td').nth(2).innerText()).resolves.toMatch(/^139\*{4}\d{4}$/);
      const links = await page.getByTestId('outbox-link').evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
      expect(new Set(links).size).toBe(3);
      expect(links[0]).toMatch(/\/s\/[A-Za-z0-9_-]{22}$/);
      await expect(rows.first().locator('.sms').innerText()).resolves.toContain(new URL(links[0]!).pathname);

      // No reminder is due three days before its time: the job answers so, and sends nothing.
      await press(page, '发送提醒', javaScriptEnabled, () => page.getByTestId('remind-result').waitFor());
      await expect(page.getByTestId('remind-result').innerText()).resolves.toBe('目前没有到期的提醒，没有发送短信。');
      await page.screenshot({ path: `${shotsDir}/round-desktop-${tag}.png`, fullPage: true });

      const phone = await resident.newPage();
      const url = onStack(links[0]!);
      expect((await phone.goto(url, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' }))?.status()).toBe(200);
      await expect(phone.getByTestId('invites').innerText()).resolves.toBe(INVITES);
      await expect(phone.getByTestId('round-name').innerText()).resolves.toBe(round.name);
      await expect(phone.getByTestId('open-until').innerText()).resolves.toContain('请在以下时间前评价');
      await expect(phone.getByRole('button', { name: '不再接收本次测评短信' }).isVisible()).resolves.toBe(true);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: `${shotsDir}/s-phone-${tag}.png`, fullPage: true });

      // 不满意 with a reason and a comment: the 差评 reasons belong to levels 1–2.
      await phone.getByRole('radio', { name: '不满意', exact: true }).first().check();
      // Without JavaScript the reasons are one more fold to open; with it they unfold by themselves.
      if (!javaScriptEnabled) await phone.locator('summary', { hasText: '如选择不满意或非常不满意，请选择原因' }).click();
      await phone.locator('input[name="reasons"]').first().check();
      await phone.locator('summary', { hasText: '意见或建议' }).click();
      await phone.locator('#comment').fill('等候时间较长');
      await Promise.all([phone.waitForURL(/\/s\/thanks$/), phone.getByRole('button', { name: '提交评价' }).click()]);
      await expect(phone.getByTestId('thanks').innerText()).resolves.toBe('感谢您的评价');
      await phone.screenshot({ path: `${shotsDir}/s-thanks-phone-${tag}.png`, fullPage: true });

      const again = await phone.goto(url);
      expect(again?.status()).toBe(409);
      await expect(phone.locator('h1').innerText()).resolves.toBe('您已参加本次测评');
      await expect(phone.locator('main').innerText()).resolves.toContain('感谢您的支持');
      await expect(phone.locator('form').count()).resolves.toBe(0);
      await phone.screenshot({ path: `${shotsDir}/s-answered-phone-${tag}.png`, fullPage: true });

      // The round page counts the answer at the next job call (继续发送 sends nothing more).
      await page.goto(`${baseUrl}/admin/rounds/${round.roundId}`, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
      await press(page, '继续发送', javaScriptEnabled, () => page.getByTestId('send-finished').waitFor());
      await expect(page.locator('[data-count="responded"]').innerText()).resolves.toBe('1');
      await page.screenshot({ path: `${shotsDir}/round-answered-desktop-${tag}.png`, fullPage: true });
    } finally {
      await resident.close();
      await admin.close();
    }
  }, 180_000);

  it('lets a person 退订 with one press, and says an unknown link is not valid', async () => {
    const outbox = await api('GET', `/api/sampling-rounds/${round.roundId}/outbox`);
    expect(outbox.status).toBe(200);
    const link = (outbox.json.messages as { link: string }[]).at(-1)!.link;
    const resident = await phoneContext(browser, javaScriptEnabled);
    try {
      const phone = await resident.newPage();
      await phone.goto(onStack(link), { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
      await Promise.all([phone.waitForURL(/\/s\/opted-out$/), phone.getByRole('button', { name: '不再接收本次测评短信' }).click()]);
      await expect(phone.getByTestId('opted-out').innerText()).resolves.toBe('已退订');
      await expect(phone.locator('main').innerText()).resolves.toContain('已退订，本次测评不会再向您发送短信。');
      await phone.screenshot({ path: `${shotsDir}/s-opted-out-phone-${tag}.png`, fullPage: true });

      const unknown = await phone.goto(`${baseUrl}/s/AAAAAAAAAAAAAAAAAAAAAA`);
      expect(unknown?.status()).toBe(404);
      await expect(phone.locator('h1').innerText()).resolves.toBe('测评链接无效');
      await expect(phone.locator('form').count()).resolves.toBe(0);
    } finally {
      await resident.close();
    }
    const sent = await api('POST', `/api/sampling-rounds/${round.roundId}/send`);
    expect(sent.json.optedOut).toBe(1);
  }, 120_000);
});
