import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JS_MODES, launchChromium, phoneContext } from '../support/browser.js';

/**
 * /verify, the draw of a 阳光测评 round (issue 13 §3): a visitor on a phone uploads a round's
 * verification pack (manyi-draw-v1) and reads each check with ✓ or ✗ and the verdict; a tampered
 * pack fails on 抽中名单, a file that is not a pack gets a Chinese message naming the problem.
 * With JavaScript and without it, never wider than a 390-px screen.
 */
const baseUrl = inject('baseUrl');
const exampleText = readFileSync('docs/examples/manyi-draw-v1-example.json', 'utf8');
const example = JSON.parse(exampleText) as { sample: string[] } & Record<string, unknown>;
const LABEL = '抽签验证包文件（JSON）';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(JS_MODES)('checking a draw on /verify $name', ({ javaScriptEnabled }) => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await phoneContext(browser, javaScriptEnabled);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
  });

  /** Upload a file through the draw form and wait for what the page answers. */
  async function upload(name: string, text: string, answer: 'draw-result' | 'draw-error'): Promise<string> {
    // networkidle: with JavaScript, hydration first, or the enhanced form is not yet in charge.
    expect((await page.goto(`${baseUrl}/verify`, { waitUntil: 'networkidle' }))?.status()).toBe(200);
    await page.getByLabel(LABEL).setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.getByRole('button', { name: '验证抽签' }).click();
    const shown = page.getByTestId(answer);
    await shown.waitFor();
    return shown.innerText();
  }

  const width = () => page.evaluate(() => document.documentElement.scrollWidth);

  it('passes the documented example: five ✓ and 全部核验通过, within 390 px', async () => {
    const text = await upload('manyi-draw-v1-example.json', exampleText, 'draw-result');

    expect(text).toContain('全部核验通过');
    expect(text.match(/✓/g)).toHaveLength(5);
    expect(text).not.toContain('✗');
    for (const label of ['承诺值', '抽样框哈希', '分层规模', '样本分配', '抽中名单']) expect(text).toContain(label);
    // The English detail line of each check, as npm run verify-draw prints it.
    expect(text).toContain('SHA-256(seed) = 630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd');
    expect(await width()).toBeLessThanOrEqual(390);
  });

  it('fails a tampered copy on 抽中名单: 核验未通过 with ✗', async () => {
    // e02 was not drawn (rank 4 in lj-ga); it takes the place of e01.
    const tampered = { ...example, sample: example.sample.map((entryId) => (entryId === 'e01' ? 'e02' : entryId)) };
    const text = await upload('tampered.json', JSON.stringify(tampered, null, 2), 'draw-result');

    expect(text).toContain('核验未通过：此验证包与其声称的抽签不一致');
    expect(await page.getByTestId('draw-check-sample').innerText()).toMatch(/✗\s*抽中名单/);
    expect(text.match(/✓/g)).toHaveLength(4);
    expect(await width()).toBeLessThanOrEqual(390);
  });

  it('says in Chinese that a file that is not JSON is not a pack', async () => {
    const text = await upload('notes.json', '这不是 JSON {', 'draw-error');

    expect(text).toContain('文件不是有效的 JSON，不是抽签验证包');
    await expect(page.getByLabel(LABEL).getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await page.getByTestId('draw-result').count()).toBe(0);
  });

  it('names the field of a pack that lacks one (frameHash)', async () => {
    const { frameHash: _dropped, ...pack } = example;
    const text = await upload('no-frame-hash.json', JSON.stringify(pack), 'draw-error');

    expect(text).toContain('这不是有效的抽签验证包（manyi-draw-v1）：缺少字段 frameHash');
    expect(await width()).toBeLessThanOrEqual(390);
  });

  it('still verifies a report file by upload on the same page (the first form)', async () => {
    await page.goto(`${baseUrl}/verify`, { waitUntil: 'networkidle' });
    await page.getByLabel('报表文件（XLSX、CSV 或 PDF）').setInputFiles({ name: 'report.csv', mimeType: 'text/csv', buffer: Buffer.from('not a report') });
    await page.locator('form', { has: page.locator('input[type=file]') }).getByRole('button', { name: '核验' }).click();
    await page.getByText('未找到', { exact: true }).waitFor();
  });
});

describe('the draw check on /verify', () => {
  it('has no serious or critical accessibility issues (axe-core) with a failed check shown', async () => {
    // CSP bypassed for the axe script alone, as in the other axe checks.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const tampered = { ...example, sample: example.sample.map((entryId) => (entryId === 'e01' ? 'e02' : entryId)) };
    await page.goto(`${baseUrl}/verify`, { waitUntil: 'networkidle' });
    await page.getByLabel(LABEL).setInputFiles({ name: 'tampered.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tampered)) });
    await page.getByRole('button', { name: '验证抽签' }).click();
    await page.getByTestId('draw-result').waitFor();
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; help: string }[] }> } }).axe;
      const result = await axe.run(document);
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
    });
    expect(violations).toEqual([]);
    await context.close();
  });
});
