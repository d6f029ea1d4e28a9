import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoSessions, launchChromium, type Session } from '../support/browser.js';

/**
 * Every admin page (and the public /verify and resident page) at a desktop and a phone size, as a
 * role that may see it: a full-page screenshot under test-results/screens/{viewport}/{name}.png for
 * a person to look at, and what a machine can check — the page answers 200 with an h1 (not the
 * error page), nothing scrolls sideways, and no table header is squeezed to a column of characters.
 *
 * One line per page. `path` may name a page found by following a link, in braces: {unit} (a unit
 * of the demo county, from /admin/units), {window} and {staff} (from a unit page) and {resident}
 * (the window's resident page, /w/{code}). A page the demo does not link fails the test.
 */
const PAGES: readonly { name: string; as: Account; path: string }[] = [
  { name: 'admin', as: 'admin', path: '/admin' },
  { name: 'admin-units', as: 'admin', path: '/admin/units' },
  { name: 'admin-unit', as: 'admin', path: '{unit}' },
  { name: 'admin-windows', as: 'admin', path: '/admin/windows' },
  { name: 'admin-window', as: 'admin', path: '{window}' },
  { name: 'admin-staff', as: 'admin', path: '/admin/staff' },
  { name: 'admin-staff-person', as: 'admin', path: '{staff}' },
  { name: 'admin-halls', as: 'admin', path: '/admin/halls' },
  { name: 'admin-units-import', as: 'admin', path: '/admin/units/import' },
  { name: 'admin-surveys', as: 'admin', path: '/admin/surveys' },
  { name: 'admin-posters', as: 'admin', path: '/admin/posters' },
  { name: 'admin-reports', as: 'admin', path: '/admin/reports' },
  { name: 'admin-reports-comments', as: 'admin', path: '/admin/reports/comments' },
  { name: 'admin-accounts', as: 'admin', path: '/admin/accounts' },
  { name: 'admin-audit', as: 'shenji', path: '/admin/audit' },
  { name: 'me', as: 'gongzuo', path: '/me' },
  { name: 'verify', as: 'public', path: '/verify' },
  { name: 'resident', as: 'public', path: '{resident}' },
  // The receipt after a rating (it shows no level; the 差评 follow-up note is resident-fast.test.ts's).
  { name: 'resident-thanks', as: 'public', path: '{resident}/thanks' },
];

type Account = 'admin' | 'shenji' | 'gongzuo' | 'public';

const VIEWPORTS = [
  { name: 'desktop-1280x900', width: 1280, height: 900, javaScriptEnabled: true },
  { name: 'phone-390x844', width: 390, height: 844, javaScriptEnabled: true },
  // The same phone without JavaScript (server-rendered HTML and CSS only).
  { name: 'phone-390x844-nojs', width: 390, height: 844, javaScriptEnabled: false },
] as const;

const baseUrl = inject('baseUrl');
const screensDir = join(new URL('../../', import.meta.url).pathname, 'test-results', 'screens');
let browser: Browser;
const sessions: Partial<Record<Account, Session>> = {};
/** The pages found by following links, by the name used in braces in PAGES. */
const found: Record<string, string | undefined> = {};

/** The first link in main whose path starts with `prefix` (and is not one of `except`). */
async function firstLink(page: Page, prefix: string, except: readonly string[] = []): Promise<string | undefined> {
  const hrefs = await page.locator(`main a[href^="${prefix}"]`).evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.map((href) => href.split('#')[0]!).find((href) => href.length > prefix.length && !except.some((e) => href.startsWith(e)));
}

/** From /admin/units down the unit tree (breadth first) to the first unit page that links a window and a staff member. */
async function discover(page: Page): Promise<void> {
  await page.goto(`${baseUrl}/admin/units`);
  const unit = await firstLink(page, '/admin/units/', ['/admin/units/import']);
  if (!unit) throw new Error('/admin/units links no unit page');
  found.unit = unit;
  const queue = [unit];
  const seen = new Set(queue);
  while (queue.length > 0 && !(found.window && found.staff) && seen.size < 40) {
    await page.goto(`${baseUrl}${queue.shift()!}`);
    found.window ??= await firstLink(page, '/admin/windows/');
    found.staff ??= await firstLink(page, '/admin/staff/');
    for (const child of await page
      .locator('main a[href^="/admin/units/"]')
      .evaluateAll((links) => links.map((a) => (a.getAttribute('href') ?? '').split('#')[0]!))) {
      if (!child.startsWith('/admin/units/import') && !seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  if (found.window) found.resident = `/w/${found.window.slice('/admin/windows/'.length)}`;
}

beforeAll(async () => {
  browser = await launchChromium();
  // The staff demo account (gongzuo) has no second factor: the password lands on /me.
  Object.assign(sessions, await demoSessions(browser, baseUrl, ['admin', 'shenji', 'gongzuo'], async (username, page) => {
    if (username === 'admin') await discover(page);
  }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** The path with its {placeholders} filled in, or undefined when the demo links no such page. */
function resolvePath(path: string): string | undefined {
  const missing = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((key) => !found[key]);
  return missing.length > 0 ? undefined : path.replace(/\{(\w+)\}/g, (_, key: string) => found[key]!);
}

describe.each(VIEWPORTS)('admin screens at $name', (viewport) => {
  it.for(PAGES)('$name ($path, as $as) renders, fits the width and keeps table headers readable', async ({ name, as, path }) => {
    const url = resolvePath(path);
    if (!url) throw new Error(`${name}: no link to ${path} was found in the demo (see discover())`);
    const context = await browser.newContext({
      javaScriptEnabled: viewport.javaScriptEnabled,
      viewport: { width: viewport.width, height: viewport.height },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...(as === 'public' ? {} : { storageState: sessions[as]! }),
    });
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(60_000);
    try {
      const page = await context.newPage();
      const response = await page.goto(`${baseUrl}${url}`, { waitUntil: viewport.javaScriptEnabled ? 'networkidle' : 'load' });
      const where = `${name} (${url}) at ${viewport.name}`;
      expect(response?.status(), `${where}: HTTP status`).toBe(200);
      expect(new URL(page.url()).pathname, `${where}: redirected`).toBe(url.split('?')[0]);
      expect(await page.locator('h1').count(), `${where}: no h1`).toBeGreaterThan(0);
      await expect(page.locator('h1').first().innerText(), `${where}: the error page`).resolves.not.toMatch(/出错了|页面不存在|无权/);

      const dir = join(screensDir, viewport.name);
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });

      const widths = await page.evaluate(() => {
        // The outermost elements that stick out on the right: what to fix when the page scrolls sideways.
        const out = (el: Element) => el.getBoundingClientRect().right > window.innerWidth + 0.5;
        const clipped = (el: Element): boolean =>
          !!el.parentElement && el.parentElement !== document.body && (getComputedStyle(el.parentElement).overflowX !== 'visible' || clipped(el.parentElement));
        const outermost = [...document.body.querySelectorAll('*')].filter(
          (el) => out(el) && !(el.parentElement && el.parentElement !== document.body && out(el.parentElement)),
        );
        const unclipped = outermost.filter((el) => !clipped(el));
        const culprits = (unclipped.length > 0 ? unclipped : outermost)
          .slice(0, 5)
          .map((el) => `${el.parentElement?.tagName.toLowerCase()}${el.parentElement?.id ? `#${el.parentElement.id}` : ''} > ${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} to ${Math.round(el.getBoundingClientRect().right)} px`);
        return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits };
      });
      expect(
        widths.scrollWidth,
        `${where}: scrolls sideways (document ${widths.scrollWidth} px wide in a ${widths.innerWidth} px window; sticking out: ${widths.culprits.join(', ')})`,
      ).toBeLessThanOrEqual(widths.innerWidth);

      // A header's text in at most two lines: a column squeezed to one character per line fails.
      const squeezed = await page.locator('table th').evaluateAll((cells) =>
        cells.flatMap((th) => {
          const style = getComputedStyle(th);
          const range = document.createRange();
          range.selectNodeContents(th);
          const textHeight = range.getBoundingClientRect().height;
          const lineHeight = Number.parseFloat(style.lineHeight) || Number.parseFloat(style.fontSize) * 1.5;
          const text = (th as HTMLElement).innerText.trim();
          return text && textHeight >= 3 * lineHeight ? [`"${text}" ${Math.round(textHeight)} px high (line ${Math.round(lineHeight)} px)`] : [];
        }),
      );
      expect(squeezed, `${where}: table headers squeezed to three or more lines`).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
