import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectNoAxeViolations } from '../support/axe.js';
import { demoSessions, JS_MODES, launchChromium, type Session } from '../support/browser.js';

/**
 * 民主评议 voting in the browser (issue 14 §1–2; docs/decisions/0027), with JavaScript and without:
 * the demo county's unit administrator makes a campaign (two staff subjects, the first not graded;
 * two indicators; two rater groups of 3 and 2 ballots), opens it from its page and gets the PDF of
 * slips as a download; the codes are read from the PDF. A voter (a fresh context, no login) opens
 * /v#CODE from a slip's QR (with JavaScript) or types the code (without), chooses, submits and is
 * thanked without any choice; the same code again is 此票码已使用, an unknown code is refused with
 * what was typed kept, a tampered choice brings the ballot back with the choices kept; after the
 * administrator closes the campaign a remaining code is told 评议已截止. No request the voter's
 * pages make, no address they show and no cookie holds a code. Axe over the three steps; screenshots
 * at phone and desktop size go to /tmp/voting-shots/.
 */
const baseUrl = inject('baseUrl');
const shotsDir = '/tmp/voting-shots';
const run = Date.now().toString(36);
const CODE = /[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}/g;
const OPTIONS = ['优秀', '合格', '基本合格', '不合格', '弃权'];

let browser: Browser;
const sessions: Partial<Record<'cepingyuan' | 'pingyi' | 'dangyuan', Session>> = {};

beforeAll(async () => {
  browser = await launchChromium();
  Object.assign(sessions, await demoSessions(browser, baseUrl, ['cepingyuan', 'pingyi', 'dangyuan']));
  mkdirSync(shotsDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function adminContext(javaScriptEnabled: boolean, extra: { bypassCSP?: boolean } = {}, who: 'cepingyuan' | 'pingyi' | 'dangyuan' = 'cepingyuan'): Promise<BrowserContext> {
  const context = await browser.newContext({ ...extra, javaScriptEnabled, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: sessions[who]!, acceptDownloads: true });
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  return context;
}

/** A voter's phone: no session, every request's address written down. */
async function voterContext(javaScriptEnabled: boolean, requests: string[], extra: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...extra });
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  context.on('request', (request) => requests.push(request.url()));
  return context;
}

async function screenshots(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  for (const [size, width, height] of [['phone', 390, 844], ['desktop', 1280, 900]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(shotsDir, `${name}-${size}.png`), fullPage: true });
  }
  if (viewport) await page.setViewportSize(viewport);
}

async function fitsPhone(page: Page): Promise<void> {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
  if (viewport) await page.setViewportSize(viewport);
}

const axe = expectNoAxeViolations;

/** Every page of the PDF as text (pdfjs, as the integration test reads it). */
async function pdfPages(file: string): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(readFileSync(file)), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) pages.push((await (await pdf.getPage(n)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(''));
  await pdf.destroy();
  return pages;
}

/** A form button pressed: with JavaScript the page updates in place, without it a new page loads. */
async function press(page: Page, name: string, javaScriptEnabled: boolean, after: () => Promise<unknown>): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  if (javaScriptEnabled) await button.click();
  else await Promise.all([page.waitForLoadState('load'), button.click()]);
  await after();
}

/** The code step: the code typed and sent. */
async function typeCode(page: Page, code: string, javaScriptEnabled: boolean, after: () => Promise<unknown>): Promise<void> {
  await page.goto(`${baseUrl}/v`, { waitUntil: javaScriptEnabled ? 'networkidle' : 'load' });
  await page.getByLabel('请输入票码').fill(code);
  await press(page, '下一步', javaScriptEnabled, after);
}

/** The forms of a code as someone might type it: never in a request's address. */
const spellings = (code: string) => [code, code.replace('-', ''), code.toLowerCase(), code.replace('-', '').toLowerCase()];

describe.each(JS_MODES)('民主评议 voting $name', ({ name: mode, javaScriptEnabled }) => {
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  const settle = javaScriptEnabled ? ('networkidle' as const) : ('load' as const);

  it('opens with the slips PDF, votes at /v without a trace of the code, refuses used, unknown and closed codes', async () => {
    const admin = await adminContext(javaScriptEnabled);
    const voterRequests: string[] = [];
    const voter = await voterContext(javaScriptEnabled, voterRequests);
    const codes: string[][] = [];
    try {
      // The campaign: two staff subjects (the first not graded), two indicators, groups of 3 and 2 ballots.
      const adminPage = await admin.newPage();
      await adminPage.goto(`${baseUrl}/admin/appraisal/new?unit=jn-qh-lj`, { waitUntil: settle });
      const subjects = adminPage.locator('li[data-subject^="staff:"]');
      const names = [await subjects.nth(0).locator('.person').innerText(), await subjects.nth(1).locator('.person').innerText()];
      await subjects.nth(0).locator('input[name="subject"]').check();
      await subjects.nth(0).locator('input[name="ungraded"]').check();
      await subjects.nth(1).locator('input[name="subject"]').check();
      const campaignName = `投票评议 ${mode} ${run}`;
      await adminPage.locator('#name').fill(campaignName);
      await adminPage.locator('#groups-0-ballots').fill('3');
      await adminPage.locator('#groups-1-ballots').fill('2');
      await adminPage.locator('#indicators-0-weightPct').fill('60');
      await adminPage.locator('#indicators-1-name').fill('工作作风');
      await adminPage.locator('#indicators-1-weightPct').fill('40');
      await Promise.all([adminPage.waitForURL(/\/admin\/appraisal\/a-[0-9a-f]{16}\?done=created$/), adminPage.getByRole('button', { name: '保存草稿', exact: true }).click()]);
      if (javaScriptEnabled) await adminPage.waitForLoadState('networkidle');
      const campaignUrl = adminPage.url().split('?')[0]!;
      await expect(adminPage.locator('h1 [data-state]').innerText()).resolves.toBe('草稿');
      await expect(adminPage.getByTestId('voting').innerText()).resolves.toContain('开放后配置锁定；票码只在这份 PDF 中出现一次，请妥善保存并打印；丢失需重新发放。');

      await adminPage.screenshot({ path: join(shotsDir, `admin-draft-${tag}.png`), fullPage: true });
      // 开放: the PDF comes down as an attachment; its pages hold each group's codes.
      const [download] = await Promise.all([adminPage.waitForEvent('download'), adminPage.getByRole('button', { name: '开放评议并下载票码', exact: true }).click()]);
      expect(download.suggestedFilename()).toMatch(/\.pdf$/);
      const pages = await pdfPages(await download.path());
      for (const text of pages) codes.push([...new Set(text.match(CODE) ?? [])]);
      expect(codes.map((group) => group.length)).toEqual([3, 2]);
      expect(pages[1]).toContain('群众代表');

      if (javaScriptEnabled) await adminPage.locator('h1 [data-state="open"]').waitFor({ timeout: 30_000 });
      else await adminPage.reload({ waitUntil: settle });
      await expect(adminPage.locator('h1 [data-state]').innerText()).resolves.toBe('已开放');
      await expect(adminPage.locator('p.notice[role="status"]').count(), 'no stale 已创建 notice').resolves.toBe(0);
      await expect(adminPage.getByTestId('issued').locator('tbody tr').allInnerTexts()).resolves.toEqual(['党员\t3 张', '群众代表\t2 张']);
      await expect(adminPage.getByTestId('voter-link').getAttribute('href')).resolves.toBe('/v');
      await adminPage.screenshot({ path: join(shotsDir, `admin-open-${tag}.png`), fullPage: true });
      await fitsPhone(adminPage);

      // A voter: from a slip's QR with JavaScript (the fragment moves into the form), typed without.
      const page = await voter.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const [first, reused] = [codes[0]![0]!, codes[1]![0]!];
      if (javaScriptEnabled) {
        await page.goto(`${baseUrl}/v#${first}`, { waitUntil: 'load' });
        await page.getByTestId('group').waitFor();
        expect(page.url(), 'the fragment leaves the address bar').toBe(`${baseUrl}/v`);
      } else {
        await page.goto(`${baseUrl}/v`, { waitUntil: 'load' });
        await expect(page.getByLabel('请输入票码').getAttribute('placeholder')).resolves.toBe('例如 7KQ2M-X9D4P');
        await expect(page.getByLabel('请输入票码').getAttribute('autocomplete')).resolves.toBe('off');
        await screenshots(page, `code-${tag}`);
        await page.getByLabel('请输入票码').fill(first);
        await press(page, '下一步', false, () => page.getByTestId('group').waitFor());
      }
      await expect(page.locator('h1').innerText()).resolves.toBe(campaignName);
      await expect(page.getByTestId('group').innerText()).resolves.toBe('评议主体：党员');
      // Graded subjects first; the ungraded one is marked and still rated.
      await expect(page.locator('fieldset.subject > legend').allInnerTexts()).resolves.toEqual([names[1], `${names[0]} 不定等次`]);
      await expect(page.locator('fieldset.indicator > legend').allInnerTexts()).resolves.toEqual(['总体评价', '工作作风', '总体评价', '工作作风']);
      await expect(page.locator('fieldset.subject').first().locator('label.option').allInnerTexts()).resolves.toEqual([...OPTIONS, ...OPTIONS]);
      const tap = await page.locator('label.option').first().boundingBox();
      expect(tap!.height, 'a tap target of at least 44 px').toBeGreaterThanOrEqual(44);
      if (javaScriptEnabled) await expect(page.getByTestId('progress').innerText()).resolves.toBe('已评 0 / 2 个评议对象');
      else await expect(page.getByTestId('progress').count(), 'no live count without JavaScript').resolves.toBe(0);

      const subject = (n: number) => page.locator('fieldset.subject').nth(n);
      await subject(0).locator('fieldset.indicator').nth(0).getByLabel('优秀', { exact: true }).check();
      await subject(0).locator('fieldset.indicator').nth(1).getByLabel('合格', { exact: true }).check();
      await subject(1).locator('fieldset.indicator').nth(0).getByLabel('基本合格', { exact: true }).check();
      if (javaScriptEnabled) await expect(page.getByTestId('progress').innerText()).resolves.toBe('已评 1 / 2 个评议对象');
      await screenshots(page, `ballot-${tag}`);
      await fitsPhone(page);

      await press(page, '提交', javaScriptEnabled, () => page.getByTestId('done').waitFor());
      await expect(page.locator('h1').innerText()).resolves.toBe('您的评议已提交，感谢参与');
      const thanked = await page.locator('main').innerText();
      expect(thanked).toContain('此票码已不能再次使用');
      for (const option of OPTIONS) expect(thanked, 'the confirmation shows no choice').not.toContain(option);
      for (const spelling of spellings(first)) expect(await page.content(), 'nor the code').not.toContain(spelling);
      await screenshots(page, `done-${tag}`);

      // The same code again: used. An unknown code: refused, what was typed kept.
      await typeCode(page, first, javaScriptEnabled, () => page.getByTestId('code-error').waitFor());
      await expect(page.getByTestId('code-error').innerText()).resolves.toBe('此票码已使用（如您刚刚提交过，您的评议已计入）');
      await typeCode(page, 'ZZZZZ-ZZZZZ', javaScriptEnabled, () => page.getByTestId('code-error').waitFor());
      await expect(page.getByTestId('code-error').innerText()).resolves.toBe('不是有效的票码，请核对后重新输入');
      await expect(page.getByLabel('请输入票码').inputValue()).resolves.toBe('ZZZZZ-ZZZZZ');
      await screenshots(page, `unknown-${tag}`);

      // A choice the API refuses (an option the ballot does not have): the ballot again, choices kept.
      await typeCode(page, reused.toLowerCase(), javaScriptEnabled, () => page.getByTestId('group').waitFor());
      await expect(page.getByTestId('group').innerText()).resolves.toBe('评议主体：群众代表');
      await subject(0).locator('fieldset.indicator').nth(0).getByLabel('合格', { exact: true }).check();
      await subject(1).locator('fieldset.indicator').nth(1).locator('input[value="弃权"]').evaluate((input: HTMLInputElement) => {
        input.value = '特别优秀';
        input.checked = true;
      });
      await press(page, '提交', javaScriptEnabled, () => page.getByTestId('ballot-error').waitFor());
      await expect(page.getByTestId('ballot-error').innerText()).resolves.toBe('有选择无效（可能页面已过期），请检查后重新提交。您的其他选择已保留。');
      await expect(subject(0).locator('fieldset.indicator').nth(0).getByLabel('合格', { exact: true }).isChecked()).resolves.toBe(true);
      await expect(subject(1).locator('fieldset.indicator').nth(1).locator('.error-message').innerText()).resolves.toBe('此项选择无效，请重新选择');
      await screenshots(page, `ballot-error-${tag}`);
      await subject(1).locator('fieldset.indicator').nth(1).getByLabel('弃权', { exact: true }).check();
      await press(page, '提交', javaScriptEnabled, () => page.getByTestId('done').waitFor());

      // Two more ballots, so that both groups return more than half and the round counts.
      for (const code of [codes[0]![2]!, codes[1]![1]!]) {
        await typeCode(page, code, javaScriptEnabled, () => page.getByTestId('group').waitFor());
        await subject(0).locator('fieldset.indicator').nth(0).getByLabel('合格', { exact: true }).check();
        await press(page, '提交', javaScriptEnabled, () => page.getByTestId('done').waitFor());
      }

      // The administrator closes: a remaining code is told 评议已截止.
      if (javaScriptEnabled) adminPage.once('dialog', (dialog) => void dialog.accept());
      else await adminPage.getByLabel('我确认截止').check();
      await Promise.all([adminPage.waitForURL(/\?done=closed$/), adminPage.getByRole('button', { name: '截止评议', exact: true }).click()]);
      if (javaScriptEnabled) await adminPage.waitForLoadState('networkidle');
      expect(adminPage.url().split('?')[0]).toBe(campaignUrl);
      await expect(adminPage.locator('h1 [data-state]').innerText()).resolves.toBe('已截止');
      await expect(adminPage.getByTestId('voting-state').innerText()).resolves.toBe('评议已截止，票码不能再投票。');
      await adminPage.screenshot({ path: join(shotsDir, `admin-closed-${tag}.png`), fullPage: true });

      const late = codes[0]![1]!;
      await typeCode(page, late, javaScriptEnabled, () => page.getByTestId('code-error').waitFor());
      await expect(page.getByTestId('code-error').innerText()).resolves.toBe('评议已截止');

      // Nothing the voter's pages asked for named a code (the QR's fragment is never sent), nothing stored.
      expect(voterRequests.length).toBeGreaterThan(5);
      const all = codes.flat();
      for (const url of voterRequests) {
        const sent = url.split('#')[0]!;
        for (const code of all) for (const spelling of spellings(code)) expect(sent, `${sent} names a code`).not.toContain(spelling);
      }
      for (const url of voterRequests.slice(1)) expect(url, 'only the QR address has a fragment').not.toContain('#');
      for (const spelling of spellings(late)) expect(page.url()).not.toContain(spelling);
      await expect(voter.cookies()).resolves.toEqual([]);
      // The page stores nothing; SvelteKit's router keeps its scroll positions in sessionStorage (numbers, no code).
      await expect(page.evaluate(() => localStorage.length)).resolves.toBe(0);
      const stored = await page.evaluate(() => Object.keys(sessionStorage).map((key) => `${key}=${sessionStorage.getItem(key)}`));
      for (const entry of stored) {
        expect(entry).toMatch(/^sveltekit:/);
        for (const code of all) for (const spelling of spellings(code)) expect(entry).not.toContain(spelling);
      }
      expect(errors, 'no script error on the page').toEqual([]);

      // 计票: the tally page lists both subjects; the small groups' option counts are hidden (<10).
      await Promise.all([adminPage.waitForURL(/\/tally\?done=tallied$/), adminPage.getByRole('button', { name: '计票', exact: true }).click()]);
      if (javaScriptEnabled) await adminPage.waitForLoadState('networkidle');
      await expect(adminPage.locator('h1 [data-state]').innerText()).resolves.toBe('已计票');
      await expect(adminPage.getByTestId('tally-void').count()).resolves.toBe(0);
      const listed = await adminPage.getByTestId('tally-subjects').innerText();
      expect(listed).toContain(names[0]);
      expect(listed).toContain(names[1]);
      expect(listed).toContain('不定等次');
      await expect(adminPage.getByTestId('counts').first().textContent()).resolves.toBe('<10');
      await expect(adminPage.getByTestId('grade-form').count(), 'the account that opened it does not grade').resolves.toBe(0);
      await adminPage.screenshot({ path: join(shotsDir, `admin-tally-${tag}.png`), fullPage: true });

      // 组织评定 by the committee: a grade other than the proposal needs a reason; then 公布.
      const committee = await adminContext(javaScriptEnabled, {}, 'pingyi');
      try {
        const grading = await committee.newPage();
        await grading.goto(`${campaignUrl}/tally`, { waitUntil: settle });
        const gradeForm = grading.getByTestId('grade-form');
        await expect(gradeForm.count(), 'one graded subject').resolves.toBe(1);
        const row = grading.locator('li.subject', { has: gradeForm });
        const proposed = await row.getByTestId('proposed').innerText();
        const other = proposed === '不合格' ? '合格' : '不合格';
        await gradeForm.locator('select[name="grade"]').selectOption(other);
        await gradeForm.getByRole('button', { name: '保存', exact: true }).click();
        await grading.getByTestId('grade-error').waitFor();
        await expect(grading.getByTestId('grade-error').innerText()).resolves.toBe('与建议等次不同，须填写理由');
        await expect(gradeForm.locator('select[name="grade"]').inputValue()).resolves.toBe(other);
        await gradeForm.locator('input[name="reason"]').fill('看票不唯票');
        await Promise.all([grading.waitForURL(/\?done=saved/), gradeForm.getByRole('button', { name: '保存', exact: true }).click()]);
        if (javaScriptEnabled) await grading.waitForLoadState('networkidle');
        await expect(row.getByTestId('final').innerText()).resolves.toContain(other);
        await expect(row.getByTestId('final').innerText()).resolves.toContain('看票不唯票');
        if (javaScriptEnabled) grading.once('dialog', (dialog) => void dialog.accept());
        else await grading.getByLabel('我确认公布').check();
        await Promise.all([grading.waitForURL(/\?done=published$/), grading.getByRole('button', { name: '公布结果', exact: true }).click()]);
        if (javaScriptEnabled) await grading.waitForLoadState('networkidle');
        await expect(grading.locator('h1 [data-state]').innerText()).resolves.toBe('已公布');
        await expect(grading.getByTestId('published-state').count()).resolves.toBe(1);
        await expect(grading.getByTestId('grade-form').count(), 'nothing changes once published').resolves.toBe(0);
        // 下载计票数据包（JSON）: the API's pack as an attachment.
        const [pack] = await Promise.all([grading.waitForEvent('download'), grading.getByTestId('pack-link').click()]);
        expect(pack.suggestedFilename()).toMatch(/^tally-pack-a-[0-9a-f]{16}\.json$/);
        const packed = JSON.parse(readFileSync((await pack.path())!, 'utf8')) as Record<string, unknown>;
        expect(Object.keys(packed).length).toBeGreaterThan(0);
        // The results as files: the CSV's 汇总 carries the final grade and its reason; XLSX and PDF are what they say.
        const files: Record<string, Buffer> = {};
        for (const format of ['csv', 'xlsx', 'pdf'] as const) {
          const [file] = await Promise.all([grading.waitForEvent('download'), grading.getByTestId(`results-${format}`).click()]);
          expect(file.suggestedFilename()).toMatch(new RegExp(`^campaign-a-[0-9a-f]{16}-round-1\\.${format}$`));
          files[format] = readFileSync((await file.path())!);
        }
        const csv = files.csv!.toString('utf8');
        expect(csv.startsWith('\uFEFF【概要】')).toBe(true);
        expect(csv).toContain('【计算说明】');
        expect(csv).toContain(`,${other},看票不唯票,`);
        expect(files.xlsx!.subarray(0, 2).toString()).toBe('PK');
        expect(files.pdf!.subarray(0, 5).toString()).toBe('%PDF-');
      } finally {
        await committee.close();
      }
    } finally {
      await voter.close();
      await admin.close();
    }
  }, 240_000);
});

describe('the /v page', () => {
  it('has no accessibility violations (axe-core): the code entry with an error, the ballot, the confirmation', async () => {
    const admin = await adminContext(true, { bypassCSP: true });
    const requests: string[] = [];
    const voter = await voterContext(true, requests, { bypassCSP: true });
    try {
      const adminPage = await admin.newPage();
      await adminPage.goto(`${baseUrl}/admin/appraisal/new?unit=jn-qh-lj`, { waitUntil: 'networkidle' });
      await adminPage.locator('li[data-subject^="staff:"] input[name="subject"]').first().check();
      await adminPage.locator('#name').fill(`投票无障碍 ${run}`);
      await adminPage.locator('#groups-0-ballots').fill('1');
      await adminPage.locator('#groups-1-ballots').fill('1');
      await Promise.all([adminPage.waitForURL(/\/admin\/appraisal\/a-[0-9a-f]{16}\?done=created$/), adminPage.getByRole('button', { name: '保存草稿', exact: true }).click()]);
      await adminPage.waitForLoadState('networkidle');
      await axe(adminPage, 'a draft campaign with its open button');
      const [download] = await Promise.all([adminPage.waitForEvent('download'), adminPage.getByRole('button', { name: '开放评议并下载票码', exact: true }).click()]);
      const code = (await pdfPages(await download.path())).join('\n').match(CODE)![0]!;
      await adminPage.locator('h1 [data-state="open"]').waitFor({ timeout: 30_000 });
      await axe(adminPage, 'an open campaign with its close button');

      const page = await voter.newPage();
      await typeCode(page, 'ZZZZZ-ZZZZZ', true, () => page.getByTestId('code-error').waitFor());
      await axe(page, 'the code entry with an error');
      await page.getByLabel('请输入票码').fill(code);
      await press(page, '下一步', true, () => page.getByTestId('group').waitFor());
      await axe(page, 'the ballot');
      page.once('dialog', (dialog) => void dialog.accept());
      await press(page, '提交', true, () => page.getByTestId('done').waitFor());
      await axe(page, 'the confirmation');
    } finally {
      await voter.close();
      await admin.close();
    }
  }, 180_000);
});

describe('/me: a member’s own published result (issue 14 §5)', () => {
  it.each(JS_MODES)('shows the demo member the 2025 result with the committee’s reason and the small-group rule $name', async ({ javaScriptEnabled }) => {
    const context = await adminContext(javaScriptEnabled, { bypassCSP: true }, 'dangyuan');
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/me`, { waitUntil: 'networkidle' });
      const section = page.getByTestId('own-appraisals');
      await expect(section.getByRole('heading', { level: 2 }).innerText()).resolves.toBe('我的民主评议结果');
      const card = section.locator('li.result').filter({ hasText: '2025年度民主评议党员（第一党支部）' });
      await expect(card.count()).resolves.toBe(1);
      await expect(card.getByTestId('own-composite').innerText()).resolves.toMatch(/^\d+\.\d{2}$/);
      await expect(card.getByTestId('own-final').innerText()).resolves.toBe('合格');
      await expect(card.getByTestId('own-reason').innerText()).resolves.toContain('结合全年表现，组织评定为合格');
      // The 支部委员会 of 5 keeps its counts hidden; the 党员 show theirs.
      const counts = await card.getByTestId('counts').allInnerTexts();
      expect(counts).toContain('<10');
      expect(counts.some((text) => /优秀 \d+/.test(text))).toBe(true);
      // The 2026 campaign is open, not published: not shown.
      await expect(section.getByText('2026年度民主评议党员').count()).resolves.toBe(0);
      await fitsPhone(page);
      if (javaScriptEnabled) {
        await axe(page, '/me with a published result');
        await screenshots(page, 'me-appraisal');
      }
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe.each(JS_MODES)('重新投票 $name', ({ name: mode, javaScriptEnabled }) => {
  const settle = javaScriptEnabled ? ('networkidle' as const) : ('load' as const);

  it('supersedes a void round with its reason, downloads round 2’s slips, and tells an old slip’s voter so', async () => {
    const admin = await adminContext(javaScriptEnabled);
    const voter = await voterContext(javaScriptEnabled, []);
    try {
      // A campaign of one subject and one group of 4 ballots, opened, closed unvoted and counted: void (quorum).
      const adminPage = await admin.newPage();
      await adminPage.goto(`${baseUrl}/admin/appraisal/new?unit=jn-qh-lj`, { waitUntil: settle });
      await adminPage.locator('li[data-subject^="staff:"]').nth(2).locator('input[name="subject"]').check();
      await adminPage.locator('#name').fill(`重投评议 ${mode} ${run}`);
      await adminPage.locator('#groups-0-ballots').fill('4');
      await adminPage.locator('#groups-1-ballots').fill('1');
      await Promise.all([adminPage.waitForURL(/\/admin\/appraisal\/a-[0-9a-f]{16}\?done=created$/), adminPage.getByRole('button', { name: '保存草稿', exact: true }).click()]);
      if (javaScriptEnabled) await adminPage.waitForLoadState('networkidle');
      const campaignUrl = adminPage.url().split('?')[0]!;
      const [first] = await Promise.all([adminPage.waitForEvent('download'), adminPage.getByRole('button', { name: '开放评议并下载票码', exact: true }).click()]);
      const oldCodes = (await pdfPages(await first.path())).join('\n').match(CODE)!;
      await adminPage.goto(campaignUrl, { waitUntil: settle });
      if (javaScriptEnabled) adminPage.once('dialog', (dialog) => void dialog.accept());
      else await adminPage.getByLabel('我确认截止').check();
      await Promise.all([adminPage.waitForURL(/\?done=closed$/), adminPage.getByRole('button', { name: '截止评议', exact: true }).click()]);
      await Promise.all([adminPage.waitForURL(/\/tally\?done=tallied$/), adminPage.getByRole('button', { name: '计票', exact: true }).click()]);
      await expect(adminPage.getByTestId('tally-void').innerText()).resolves.toContain('未达到法定人数');
      // The void notice leads to the campaign page's 重新投票.
      await Promise.all([adminPage.waitForURL((url) => url.pathname === new URL(campaignUrl).pathname), adminPage.getByTestId('revote-link').click()]);
      if (javaScriptEnabled) await adminPage.waitForLoadState('networkidle');
      const form = adminPage.getByTestId('revote');
      await form.getByLabel('重新投票的原因').fill('两个评议主体均未达到法定人数');
      const [second] = await Promise.all([adminPage.waitForEvent('download'), form.getByRole('button', { name: '作废本轮并重新投票（下载新票码）', exact: true }).click()]);
      expect(second.suggestedFilename()).toMatch(/-round-2\.pdf$/);
      const pages = await pdfPages(await second.path());
      const newCodes = pages.join('\n').match(CODE)!;
      expect(new Set(newCodes).size).toBe(5);
      expect(newCodes.filter((code) => oldCodes.includes(code))).toEqual([]);
      expect(pages[0]).toContain('第 2 轮');
      if (javaScriptEnabled) await adminPage.locator('h1 [data-state="open"]').waitFor({ timeout: 30_000 });
      else await adminPage.goto(campaignUrl, { waitUntil: settle });
      await expect(adminPage.locator('h1 [data-state]').innerText()).resolves.toBe('已开放');
      const history = await adminPage.getByTestId('superseded').innerText();
      expect(history).toContain('第 1 轮');
      expect(history).toContain('作废时状态：已计票');
      expect(history).toContain('原因：两个评议主体均未达到法定人数');
      await expect(adminPage.getByTestId('revote').count(), 'no 重新投票 while the new round is open').resolves.toBe(0);
      await adminPage.screenshot({ path: join(shotsDir, `admin-revoted-${javaScriptEnabled ? 'js' : 'nojs'}.png`), fullPage: true });
      // An old slip: told its round was voted again; a new one opens the ballot.
      const page = await voter.newPage();
      await typeCode(page, oldCodes[0]!, javaScriptEnabled, () => page.getByTestId('code-error').waitFor());
      await expect(page.getByTestId('code-error').innerText()).resolves.toBe('此票码所属的一轮评议已作废（已重新投票），请使用重新发放的票码');
      await typeCode(page, newCodes[0]!, javaScriptEnabled, () => page.getByTestId('group').waitFor());
    } finally {
      await voter.close();
      await admin.close();
    }
  }, 180_000);
});

describe('the tally and campaign pages', () => {
  it('have no accessibility violations (axe-core): the demo’s published 2025 campaign, as the committee reads it', async () => {
    const context = await adminContext(true, { bypassCSP: true }, 'pingyi');
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/admin/appraisal?unit=jn-qh-lj`, { waitUntil: 'networkidle' });
      await Promise.all([page.waitForURL(/\/admin\/appraisal\/a-[0-9a-f]{16}$/), page.getByRole('link', { name: '2025年度民主评议党员（第一党支部）' }).click()]);
      await page.waitForLoadState('networkidle');
      await axe(page, 'the published campaign’s page');
      await Promise.all([page.waitForURL(/\/tally$/), page.getByTestId('tally-link').click()]);
      await page.waitForLoadState('networkidle');
      await expect(page.getByTestId('published-state').count()).resolves.toBe(1);
      await expect(page.getByTestId('results-xlsx').count()).resolves.toBe(1);
      // Every subject's detail open, so that axe sees the tables too.
      for (const details of await page.locator('details').all()) await details.evaluate((element) => ((element as HTMLDetailsElement).open = true));
      await axe(page, 'the published campaign’s tally page');
      await fitsPhone(page);
    } finally {
      await context.close();
    }
  }, 120_000);
});

