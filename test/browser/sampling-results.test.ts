import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { advanceRound, loginToken } from '../support/api-client.js';
import { demoSessions, JS_MODES, launchChromium, type Session } from '../support/browser.js';

/**
 * 阳光测评 results (issue 13 §5, decision 0023) on the round page, with JavaScript and without: the
 * funnel per stratum and in all, each stratum's rates with their Wilson intervals, and the
 * stratified estimate with its method, the non-response and the small-group rule. Two rounds,
 * answered through the public API with the outbox's links: one of two strata that both answered
 * (an estimate), one with a stratum of two answers ("<5", another stratum hidden with it, no
 * estimate). A committee member reads the same page without the send buttons and the outbox.
 * Screenshots of the results at desktop and phone size go to /tmp/shots/.
 */
const baseUrl = inject('baseUrl');
const shotsDir = '/tmp/shots';
const run = Date.now().toString(36);

let browser: Browser;
let adminToken: string;
/** The second demo administrator draws, so that admin may close (the account that draws may not). */
let drawerToken: string;
let sessions: Record<'admin' | 'pingyi', Session>;
let clientCredential: string;

const DAY_MS = 86_400_000;
const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

async function api(method: 'GET' | 'POST', path: string, body?: unknown, bearer: string | null = adminToken) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
}

/** A stratum of a test round: its people (one 办件 each, a service item of its own) and the levels those who answer give. */
interface StratumPlan {
  people: number;
  answers: readonly (1 | 2 | 3 | 4 | 5)[];
}

/**
 * A round stratified by service item, every person of the frame drawn (n = N, proportional), sent,
 * and answered as planned. The service items are this run's own, so the frame is whatever other
 * test files push to the shared stack; no quarantine. A person's number ends in the stratum's index
 * and their own, which the outbox shows unmasked: that says whose link is whose.
 */
async function answeredRound(tag: string, plan: Record<string, StratumPlan>, close: boolean): Promise<{ roundId: string; strata: string[] }> {
  const names = Object.keys(plan).map((name) => `${name}${run}${tag}`);
  const prefix = String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
  const records = Object.values(plan).flatMap((stratum, s) =>
    Array.from({ length: stratum.people }, (_, i) => ({
      projNo: `SR-${run}-${tag}-${s}-${i}`,
      unitId: 'lj-scjg',
      serviceItem: names[s]!,
      finishedAt: new Date(Date.now() - 2 * DAY_MS).toISOString(),
      servedVia: 'window',
      applicantType: 'person',
      applicantMobile: `136${prefix}${s}${String(i).padStart(3, '0')}`,
    })),
  );
  const pushed = await api('POST', '/api/service-records', { records }, clientCredential);
  expect(pushed.status, JSON.stringify(pushed.json)).toBeLessThan(300);
  const created = await api('POST', '/api/sampling-rounds', {
    name: `结果测试 ${tag} ${run}`,
    unitId: 'lj-scjg',
    period: { from: chinaDay(new Date(Date.now() - 5 * DAY_MS)), to: chinaDay(new Date()) },
    filters: { serviceItems: names },
    strataBy: 'serviceItem',
    size: { mode: 'total', n: records.length },
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
    const reply = await advanceRound(baseUrl, step === 'draw' ? drawerToken : adminToken, roundId, step, body);
    expect(reply.status, `${step}: ${JSON.stringify(reply.json)}`).toBe(200);
  }
  for (let call = 0; call < 10; call++) {
    const sent = await api('POST', `/api/sampling-rounds/${roundId}/send`);
    expect(sent.status, JSON.stringify(sent.json)).toBe(200);
    if (sent.json.finished) break;
  }
  const outbox = await api('GET', `/api/sampling-rounds/${roundId}/outbox`);
  expect(outbox.status).toBe(200);
  const messages = outbox.json.messages as { to: string; link: string }[];
  expect(messages).toHaveLength(records.length);
  const plans = Object.values(plan);
  for (const message of messages) {
    const [s, i] = [Number(message.to.at(-4)), Number(message.to.slice(-3))];
    const level = plans[s]!.answers[i];
    if (level === undefined) continue;
    const token = new URL(message.link).pathname.split('/').at(-1);
    const answered = await api('POST', '/api/public/sampling-invitations/ratings', { token, level }, null);
    expect(answered.status, JSON.stringify(answered.json)).toBe(201);
  }
  // The rates show from the close on (decision 0023): while answers come in, only the funnel.
  if (close) expect((await api('POST', `/api/sampling-rounds/${roundId}/close`)).status).toBe(200);
  return { roundId, strata: names };
}

const rowOf = (page: Page, table: string, key: string) => page.getByTestId(table).locator(`tr[data-key="${key}"]`);
const totalOf = (page: Page, table: string) => page.getByTestId(table).locator('tr[data-total]');

async function openPage(context: BrowserContext, roundId: string, javaScriptEnabled: boolean): Promise<Page> {
  const page = await context.newPage();
  const reply = await page.goto(`${baseUrl}/admin/rounds/${roundId}`, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
  expect(reply?.status()).toBe(200);
  return page;
}

function context(javaScriptEnabled: boolean, who: 'admin' | 'pingyi', viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  return browser.newContext({ javaScriptEnabled, viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: sessions[who] }).then((created) => {
    created.setDefaultTimeout(60_000);
    return created;
  });
}

// Each stratum has a 5 and a 1 among its answers: a hidden remainder is then never all alike, so
// only the size rule decides what is hidden (shared/src/domain/report-suppression.ts).
const ANSWERED = { 结果甲: { people: 6, answers: [5, 5, 4, 3, 1, 5] }, 结果乙: { people: 6, answers: [5, 4, 4, 1, 5] } } as const;
const SMALL = {
  小层甲: { people: 5, answers: [5, 4, 3, 1, 5] },
  小层乙: { people: 6, answers: [5, 4, 2, 1, 5, 4] },
  小层丙: { people: 7, answers: [4, 5, 3, 1, 5, 5, 4] },
  小层丁: { people: 3, answers: [5, 1] },
} as const;

let answered: { roundId: string; strata: string[] };
let small: { roundId: string; strata: string[] };
let open: { roundId: string; strata: string[] };

beforeAll(async () => {
  browser = await launchChromium();
  adminToken = await loginToken(baseUrl);
  drawerToken = await loginToken(baseUrl, 'cepingyuan');
  sessions = await demoSessions(browser, baseUrl, ['admin', 'pingyi']);
  mkdirSync(shotsDir, { recursive: true });
  const client = await api('POST', '/api/integration-clients', { unitId: 'jn-qh-lj', name: `测评结果浏览器测试${run}` });
  expect(client.status).toBe(201);
  clientCredential = client.json.credential as string;
  // The pages only read the rounds: both modes read the same two.
  answered = await answeredRound('a', ANSWERED, true);
  small = await answeredRound('s', SMALL, true);
  open = await answeredRound('o', ANSWERED, false);
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(JS_MODES)('阳光测评 results $name', ({ javaScriptEnabled }) => {
  const tag = javaScriptEnabled ? 'js' : 'nojs';

  it('shows the funnel, the strata’s rates with intervals and the stratified estimate', async () => {
    const admin = await context(javaScriptEnabled, 'admin');
    try {
      const page = await openPage(admin, answered.roundId, javaScriptEnabled);
      const [甲, 乙] = answered.strata as [string, string];

      // 漏斗: everyone drawn and sent; 甲 all answered, 乙 five of six; no delivery receipts locally.
      const funnel = rowOf(page, 'funnel', 甲);
      await expect(funnel.locator('th').innerText()).resolves.toBe(甲);
      for (const [key, value] of [['N', '6'], ['drawn', '6'], ['sent', '6'], ['failed', '0'], ['delivered', '—'], ['responded', '6'], ['optedOut', '0'], ['responseRate', '100.0%']]) {
        await expect(funnel.locator(`[data-funnel="${key}"]`).innerText(), key).resolves.toBe(value);
      }
      await expect(rowOf(page, 'funnel', 乙).locator('[data-funnel="responseRate"]').innerText()).resolves.toBe('83.3%');
      const total = totalOf(page, 'funnel');
      await expect(total.locator('th').innerText()).resolves.toBe('合计');
      await expect(total.locator('[data-funnel="responded"]').innerText()).resolves.toBe('11');
      await expect(total.locator('[data-funnel="responseRate"]').innerText()).resolves.toBe('91.7%');
      await expect(page.getByTestId('not-reported').innerText()).resolves.toContain('短信服务未回执');

      // 结果: 甲 answered 5, 5, 4, 3, 1, 5: 好评 5 of 6 with its Wilson interval, W = 6/12.
      const rates = rowOf(page, 'result-table', 甲);
      await expect(rates.locator('td').first().innerText()).resolves.toBe('0.500');
      await expect(rates.getByTestId('n').innerText()).resolves.toBe('6');
      await expect(rates.locator('[data-rate="good"]').innerText()).resolves.toMatch(/^83\.3%\s+4\d\.\d%–9\d\.\d%$/);
      await expect(rates.locator('[data-rate="satisfied"]').innerText()).resolves.toMatch(/^66\.7%\s+\d+\.\d%–\d+\.\d%$/);
      await expect(totalOf(page, 'result-table').getByTestId('n').innerText()).resolves.toBe('11');

      // 分层估计: ½·5/6 + ½·4/5 = 81.7% 好评, ½·4/6 + ½·4/5 = 73.3% 满意, with the method and the non-response beside.
      await expect(page.getByTestId('estimate-good').innerText()).resolves.toMatch(/^好评率\s+81\.7%\s+95% 置信区间 \d+\.\d%–\d+\.\d%$/);
      await expect(page.getByTestId('estimate-satisfied').innerText()).resolves.toMatch(/^满意率\s+73\.3%\s+95% 置信区间/);
      await expect(page.getByTestId('estimate-definition').innerText()).resolves.toContain('分层估计：p̂ = Σ W_h·p̂_h');
      await expect(page.getByTestId('non-response').innerText()).resolves.toContain('抽中 12 人，11 人答复，1 人（8.3%）未答复');
      await expect(page.getByTestId('suppression-rule').innerText()).resolves.toContain('评价数少于 5 的单元格显示为“<5”');

      await page.getByTestId('results').screenshot({ path: `${shotsDir}/round-results-desktop-${tag}.png` });
      await page.screenshot({ path: `${shotsDir}/round-results-page-desktop-${tag}.png`, fullPage: true });
    } finally {
      await admin.close();
    }
  }, 120_000);

  it('shows a small stratum as "<5", hides another with it, and publishes no estimate', async () => {
    const admin = await context(javaScriptEnabled, 'admin');
    try {
      const page = await openPage(admin, small.roundId, javaScriptEnabled);
      const 丁 = small.strata[3]!;
      const row = rowOf(page, 'result-table', 丁);
      await expect(row.getAttribute('data-suppressed')).resolves.toBe('small-group');
      await expect(row.getByTestId('n').innerText()).resolves.toBe('<5');
      await expect(row.locator('[data-rate]').count()).resolves.toBe(0);
      // One other stratum goes with it, or the total minus the shown strata would give 丁 away.
      const hidden = page.getByTestId('result-table').locator('tr[data-suppressed="complementary"]');
      await expect(hidden.count()).resolves.toBe(1);
      await expect(hidden.getByTestId('n').innerText()).resolves.toBe('已隐藏');
      await expect(page.getByTestId('result-table').locator('tbody tr:not([data-suppressed]) [data-rate="good"]').count()).resolves.toBe(2);
      await expect(totalOf(page, 'result-table').getByTestId('n').innerText()).resolves.toBe('20');
      // The funnel hides nobody's answer: it counts people, as the round's frame already does.
      await expect(rowOf(page, 'funnel', 丁).locator('[data-funnel="responded"]').innerText()).resolves.toBe('2');
      for (const key of ['good', 'satisfied']) {
        await expect(page.getByTestId(`estimate-${key}`).innerText()).resolves.toContain('有分层答复不足 5 份，为保护答复者不公布估计');
      }
      await page.getByTestId('results').screenshot({ path: `${shotsDir}/round-results-small-desktop-${tag}.png` });
    } finally {
      await admin.close();
    }
  }, 120_000);

  it('fits a phone: the tables scroll inside their box, the page does not', async () => {
    const phone = await context(javaScriptEnabled, 'admin', { width: 390, height: 844 });
    try {
      const page = await openPage(phone, answered.roundId, javaScriptEnabled);
      await page.getByTestId('funnel').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.getByTestId('results').screenshot({ path: `${shotsDir}/round-results-phone-${tag}.png` });
    } finally {
      await phone.close();
    }
  }, 120_000);

  it('shows an open round’s funnel, and its rates and estimate only after the close', async () => {
    const admin = await context(javaScriptEnabled, 'admin');
    try {
      const page = await openPage(admin, open.roundId, javaScriptEnabled);
      // The invitation section counts from the funnel on every visit, not only after a job.
      await expect(page.getByTestId('invitation-funnel').locator('[data-funnel-count="responded"]').innerText()).resolves.toBe('11');
      await expect(page.getByTestId('invitation-funnel').locator('[data-funnel-count="sent"]').innerText()).resolves.toBe('12');
      await expect(totalOf(page, 'funnel').locator('[data-funnel="responded"]').innerText()).resolves.toBe('11');
      const row = rowOf(page, 'result-table', open.strata[0]!);
      await expect(row.getAttribute('data-suppressed')).resolves.toBe('open');
      await expect(row.getByTestId('n').innerText()).resolves.toBe('截止后公布');
      await expect(page.getByTestId('estimate-good').innerText()).resolves.toContain('估计在截止后公布');
    } finally {
      await admin.close();
    }
  }, 120_000);

  it('lets a committee member read the results, without sending and without the outbox', async () => {
    const committee = await context(javaScriptEnabled, 'pingyi');
    try {
      const page = await openPage(committee, open.roundId, javaScriptEnabled);
      await expect(page.locator('h1 [data-state]').innerText()).resolves.toBe('发送中');
      await expect(page.getByTestId('results').isVisible()).resolves.toBe(true);
      await expect(totalOf(page, 'funnel').locator('[data-funnel="responded"]').innerText()).resolves.toBe('11');
      const closed = await openPage(committee, small.roundId, javaScriptEnabled);
      await expect(rowOf(closed, 'result-table', small.strata[3]!).getByTestId('n').innerText()).resolves.toBe('<5');
      await expect(page.getByTestId('invitations').count()).resolves.toBe(0);
      await expect(page.getByTestId('next-step').count()).resolves.toBe(0);
      await expect(page.getByTestId('outbox').count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: /发送|继续发送|发送提醒/ }).count()).resolves.toBe(0);
      await page.screenshot({ path: `${shotsDir}/round-results-committee-desktop-${tag}.png`, fullPage: true });
    } finally {
      await committee.close();
    }
  }, 120_000);
});
