import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { advanceRound, loginToken } from '../support/api-client.js';
import { demoSessions, JS_MODES, launchChromium, type Session } from '../support/browser.js';

/**
 * 已公布 (issue 13 §2, decision 0024), with JavaScript and without: a closed round answered through
 * the outbox's links is not public (404); the account that drew is refused 公布结果 on the round page
 * (separation of duties); admin publishes it there and is shown the link to the public page; and
 * anyone, without an account, reads /rounds/{id} — the name, the results, the commitment, the seed,
 * the strata — and downloads the pack, which is the draw's (manyi-draw-v1, the seed shown). The
 * public page at desktop and phone size goes to test-results/sampling-publish/ for a person to look at.
 */
const baseUrl = inject('baseUrl');
const shotsDir = join(new URL('../../', import.meta.url).pathname, 'test-results', 'sampling-publish');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const run = Date.now().toString(36);
const DAY_MS = 86_400_000;
const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

let browser: Browser;
let adminToken: string;
/** cepingyuan draws, so that admin may close and publish (the account that draws may do neither). */
let drawerToken: string;
let sessions: Record<'admin' | 'cepingyuan', Session>;
let clientCredential: string;

async function api(method: 'GET' | 'POST', path: string, body?: unknown, bearer: string | null = adminToken) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
}

/** Two strata of six, every person drawn, sent and answering as planned (the estimates: 81.7% 好评, 73.3% 满意). */
const PLAN = [
  { stratum: '公布甲', answers: [5, 5, 4, 3, 1, 5] },
  { stratum: '公布乙', answers: [5, 4, 4, 1, 5] },
] as const;
const PEOPLE = 6;

/**
 * A closed round of this run and mode: its own service items (so the frame is only its people),
 * stratified by service item, n = N, sent, answered through the outbox's links, closed by admin.
 * A person's number ends in the stratum's index and their own, which the outbox shows unmasked.
 */
async function closedRound(tag: string): Promise<{ roundId: string; name: string; strata: string[] }> {
  const strata = PLAN.map(({ stratum }) => `${stratum}${run}${tag}`);
  const prefix = String(Math.floor(Math.random() * 1e4)).padStart(4, '0');
  const records = PLAN.flatMap((_, s) =>
    Array.from({ length: PEOPLE }, (_, i) => ({
      projNo: `SP-${run}-${tag}-${s}-${i}`,
      unitId: 'lj-scjg',
      serviceItem: strata[s]!,
      finishedAt: new Date(Date.now() - 2 * DAY_MS).toISOString(),
      servedVia: 'window',
      applicantType: 'person',
      applicantMobile: `135${prefix}${s}${String(i).padStart(3, '0')}`,
    })),
  );
  const pushed = await api('POST', '/api/service-records', { records }, clientCredential);
  expect(pushed.status, JSON.stringify(pushed.json)).toBeLessThan(300);
  const name = `公布测试 ${tag} ${run}`;
  const created = await api('POST', '/api/sampling-rounds', {
    name,
    unitId: 'lj-scjg',
    period: { from: chinaDay(new Date(Date.now() - 5 * DAY_MS)), to: chinaDay(new Date()) },
    filters: { serviceItems: strata },
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
  for (const [step, body] of [['commit', undefined], ['freeze', undefined], ['draw', { publicInput: `公布 ${run}` }]] as const) {
    const reply = await advanceRound(baseUrl, step === 'draw' ? drawerToken : adminToken, roundId, step, body);
    expect(reply.status, `${step}: ${JSON.stringify(reply.json)}`).toBe(200);
  }
  for (let call = 0; call < 10; call++) {
    const sent = await api('POST', `/api/sampling-rounds/${roundId}/send`);
    expect(sent.status, JSON.stringify(sent.json)).toBe(200);
    if (sent.json.finished) break;
  }
  const outbox = await api('GET', `/api/sampling-rounds/${roundId}/outbox`);
  expect(outbox.json.messages).toHaveLength(records.length);
  for (const message of outbox.json.messages as { to: string; link: string }[]) {
    const level = PLAN[Number(message.to.at(-4))]!.answers[Number(message.to.slice(-3))];
    if (level === undefined) continue;
    const token = new URL(message.link).pathname.split('/').at(-1);
    const answered = await api('POST', '/api/public/sampling-invitations/ratings', { token, level }, null);
    expect(answered.status, JSON.stringify(answered.json)).toBe(201);
  }
  const closed = await api('POST', `/api/sampling-rounds/${roundId}/close`);
  expect(closed.status, JSON.stringify(closed.json)).toBe(200);
  return { roundId, name, strata };
}

const rounds: Record<string, { roundId: string; name: string; strata: string[] }> = {};

beforeAll(async () => {
  browser = await launchChromium();
  adminToken = await loginToken(baseUrl);
  drawerToken = await loginToken(baseUrl, 'cepingyuan');
  sessions = await demoSessions(browser, baseUrl, ['admin', 'cepingyuan']);
  mkdirSync(shotsDir, { recursive: true });
  const client = await api('POST', '/api/integration-clients', { unitId: 'jn-qh-lj', name: `测评公布浏览器测试${run}` });
  expect(client.status).toBe(201);
  clientCredential = client.json.credential as string;
  // Publishing cannot be undone: each mode publishes a round of its own.
  for (const { javaScriptEnabled } of JS_MODES) rounds[javaScriptEnabled ? 'js' : 'nojs'] = await closedRound(javaScriptEnabled ? 'js' : 'nojs');
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

/** A context with nobody logged in (a resident, a journalist), or one of a demo account. */
async function context(javaScriptEnabled: boolean, who?: 'admin' | 'cepingyuan', viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const created = await browser.newContext({ javaScriptEnabled, viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...(who ? { storageState: sessions[who] } : {}) });
  created.setDefaultTimeout(60_000);
  return created;
}

/** Presses 公布结果 on the round page and waits for what the server answers (a reload without JavaScript, an update with it). */
async function publish(page: Page, roundId: string, javaScriptEnabled: boolean, answered: () => Promise<unknown>): Promise<void> {
  await page.goto(`${baseUrl}/admin/rounds/${roundId}`, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
  await expect(page.locator('h1 [data-state]').innerText()).resolves.toBe('已截止');
  const next = page.getByTestId('next-step');
  await expect(next.innerText()).resolves.toContain('公布后，任何人无需登录即可在公开页面查看本轮测评的结果');
  await expect(next.innerText()).resolves.toContain('公布后不能撤回；须由抽取人以外的管理员操作。');
  await Promise.all([answered(), next.getByRole('button', { name: '公布结果', exact: true }).click()]);
}

describe.each(JS_MODES)('a published 阳光测评 round $name', ({ javaScriptEnabled }) => {
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  const round = () => rounds[tag]!;

  it('is not public before it is published: the page and the pack answer 404', async () => {
    const visitor = await context(javaScriptEnabled);
    try {
      const page = await visitor.newPage();
      expect((await page.goto(`${baseUrl}/rounds/${round().roundId}`))?.status()).toBe(404);
      await expect(page.locator('h1').innerText()).resolves.toBe('本轮测评不存在或尚未公布');
      expect((await page.goto(`${baseUrl}/rounds/not-a-round-id`))?.status(), 'a malformed id').toBe(404);
      await expect(page.locator('h1').innerText()).resolves.toBe('本轮测评不存在或尚未公布');
      expect((await fetch(`${baseUrl}/rounds/${round().roundId}/draw-pack`)).status).toBe(404);
    } finally {
      await visitor.close();
    }
  }, 120_000);

  it('is published by an administrator other than the one who drew, from the round page', async () => {
    const { roundId } = round();
    if (javaScriptEnabled) {
      // The account that drew is offered the step (it runs rounds) but the API refuses it: said plainly.
      const drawer = await context(javaScriptEnabled, 'cepingyuan');
      try {
        const page = await drawer.newPage();
        await publish(page, roundId, javaScriptEnabled, () => page.getByTestId('step-problem').waitFor());
        await expect(page.getByTestId('step-problem').innerText()).resolves.toBe('抽取人不能公布本轮测评的结果（职责分离），请由另一位管理员操作。');
        await expect(page.getByTestId('public-page').count()).resolves.toBe(0);
      } finally {
        await drawer.close();
      }
    }
    const admin = await context(javaScriptEnabled, 'admin');
    try {
      const page = await admin.newPage();
      await publish(page, roundId, javaScriptEnabled, () => page.waitForURL(/\?done=publish$/));
      await page.getByTestId('public-page-link').waitFor();
      await expect(page.locator('h1 [data-state]').innerText()).resolves.toBe('已公布');
      await expect(page.getByRole('status').filter({ hasText: '测评结果已公布，任何人都可以在公开页面查看。' }).count()).resolves.toBe(1);
      await expect(page.getByTestId('public-page-link').getAttribute('href')).resolves.toBe(`/rounds/${roundId}`);
      await expect(page.getByTestId('timeline').innerText()).resolves.toMatch(/公布结果\s*admin，\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      await expect(page.getByTestId('next-step').count(), 'no step after 已公布').resolves.toBe(0);
      await page.screenshot({ path: join(shotsDir, `admin-published-desktop-${tag}.png`), fullPage: true });
    } finally {
      await admin.close();
    }
  }, 180_000);

  it('shows anyone, without an account, the results and the draw’s facts, and the pack downloads', async () => {
    const { roundId, name, strata } = round();
    const view = (await api('GET', `/api/sampling-rounds/${roundId}`)).json as { commitment: string; seed: string; frameHash: string };
    const visitor = await context(javaScriptEnabled);
    try {
      const page = await visitor.newPage();
      expect((await page.goto(`${baseUrl}/rounds/${roundId}`))?.status()).toBe(200);
      await expect(page.getByTestId('round-name').innerText()).resolves.toBe(name);
      await expect(page.getByTestId('round-facts').innerText()).resolves.toContain('临江县市场监督管理局');
      await expect(page.getByTestId('commitment').innerText()).resolves.toBe(view.commitment);
      await expect(page.getByTestId('seed').innerText()).resolves.toBe(view.seed);
      await expect(page.getByTestId('frame-hash').innerText()).resolves.toBe(view.frameHash);
      await expect(page.getByTestId('public-input').innerText()).resolves.toBe(`公布 ${run}`);
      const stratum = page.getByTestId('strata').locator(`tr[data-key="${strata[0]}"] td`);
      await expect(stratum.allInnerTexts()).resolves.toEqual(['6', '6']);
      await expect(page.getByTestId('allocation').innerText()).resolves.toBe('按比例（各层人数占比）');

      // The results as the committee reads them; none of the administrators' downloads.
      await expect(page.getByTestId('result-table').locator(`tr[data-key="${strata[0]}"] [data-rate="good"]`).innerText()).resolves.toMatch(/^83\.3%/);
      await expect(page.getByTestId('result-table').locator('tr[data-total] [data-testid="n"]').innerText()).resolves.toBe('11');
      await expect(page.getByTestId('estimate-good').innerText()).resolves.toContain('81.7%');
      await expect(page.getByTestId('estimate-satisfied').innerText()).resolves.toContain('73.3%');
      await expect(page.getByTestId('download-round-xlsx').count()).resolves.toBe(0);
      await expect(page.locator('a[href^="/admin"]').count(), 'no link a visitor cannot follow').resolves.toBe(0);
      await expect(page.getByRole('link', { name: '核验抽样结果' }).getAttribute('href')).resolves.toBe('/verify');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-pack').click()]);
      expect(download.suggestedFilename()).toBe(`${roundId}-manyi-draw-v1.json`);
      const pack = JSON.parse(readFileSync((await download.path())!, 'utf8'));
      expect(pack.format).toBe('manyi-draw-v1');
      expect(pack.seed).toBe(view.seed);
      expect(pack.commitment).toBe(view.commitment);

      await page.screenshot({ path: join(shotsDir, `public-desktop-${tag}.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'nothing wider than a phone').toBeLessThanOrEqual(390);
      await expect(page.locator('meta[name="description"]').count()).resolves.toBe(1);
      await page.screenshot({ path: join(shotsDir, `public-phone-${tag}.png`), fullPage: true });

      // The other language, from the switch every page has.
      await Promise.all([page.waitForURL(/lang=en/), page.getByRole('link', { name: 'Switch to English' }).click()]);
      await expect(page.locator('#results').innerText()).resolves.toBe('Results');
      await expect(page.locator('#draw').innerText()).resolves.toBe('The draw’s public facts');
      await expect(page.getByTestId('round-name').innerText()).resolves.toBe(name);
      await page.screenshot({ path: join(shotsDir, `public-phone-en-${tag}.png`), fullPage: true });
    } finally {
      await visitor.close();
    }
  }, 120_000);
});

describe('the public page of a published round', () => {
  it('has no serious or critical accessibility issues (axe-core)', async () => {
    // CSP bypassed for the axe script alone, as in the other axe checks.
    const visitor = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    try {
      const page = await visitor.newPage();
      // The round the tests above published (with JavaScript).
      expect((await page.goto(`${baseUrl}/rounds/${rounds.js!.roundId}`))?.status()).toBe(200);
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[] }> } }).axe;
        const result = await axe.run(document);
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((node) => node.target))}`);
      });
      expect(violations).toEqual([]);
    } finally {
      await visitor.close();
    }
  }, 120_000);
});
