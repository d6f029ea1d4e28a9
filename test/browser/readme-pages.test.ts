import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoSessions, launchChromium, type Session } from '../support/browser.js';

/**
 * The README's quick start reaches every page it names (issue 12, "Proof"): each
 * <http://localhost:3000/…> link and each `/admin…`, `/me`, `/verify` path written in the README
 * opens on the demo stack (as the account that may see it) with a heading that is not an error
 * page. Paths with a placeholder (`/admin/windows/{code}`) are reached by following links in
 * admin-screens.test.ts; the second-factor enrollment page needs an enrollment-only session and is
 * walked through in accounts-login.test.ts.
 */
const baseUrl = inject('baseUrl');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ENROLLMENT = '/admin/accounts/totp';

const linked = [...readme.matchAll(/<http:\/\/localhost:3000(\/[^>\s]*)?>/g)].map((match) => match[1] ?? '/');
const named = [...readme.matchAll(/`(\/(?:admin|me|verify)[^`\s]*)`/g)].map((match) => match[1]!).filter((path) => !path.includes('{') && path !== ENROLLMENT);
const PAGES = [...new Set([...linked, ...named])];

type Account = 'public' | 'admin' | 'shenji' | 'gongzuo';
/** Who opens a page: the auditor the audit log, the staff member /me, an administrator the rest of /admin. */
const accountOf = (path: string): Account => (path.startsWith('/admin/audit') ? 'shenji' : path === '/me' ? 'gongzuo' : path.startsWith('/admin') ? 'admin' : 'public');

let browser: Browser;
const sessions: Partial<Record<Account, Session>> = {};

beforeAll(async () => {
  browser = await launchChromium();
  Object.assign(sessions, await demoSessions(browser, baseUrl, ['admin', 'shenji', 'gongzuo']));
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the README quick start', () => {
  it('names the pages of the product: the resident pages, login, reports, verify, /me, the admin sections', () => {
    for (const path of ['/', '/login', '/admin/reports', '/verify', '/me', '/admin/windows', '/admin/staff', '/admin/halls', '/admin/imports', '/admin/audit']) {
      expect(PAGES, path).toContain(path);
    }
    expect(PAGES.filter((path) => path.startsWith('/w/')).length).toBeGreaterThanOrEqual(4);
  });

  it.for(PAGES)('%s opens on the demo stack', async (path) => {
    const account = accountOf(path);
    const context = await browser.newContext({ locale: 'zh-CN', ...(account === 'public' ? {} : { storageState: sessions[account]! }) });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${baseUrl}${path}`);
      expect(response?.status(), path).toBe(200);
      if (path.startsWith('/api/')) return;
      await expect(page.locator('h1').first().innerText(), path).resolves.not.toMatch(/出错了|页面不存在|无权/);
      // Not sent elsewhere: /admin/imports leads to the imports page, / to its own page.
      if (path === '/admin/imports') expect(new URL(page.url()).pathname).toBe('/admin/units/import');
      else expect(new URL(page.url()).pathname, path).toBe(path);
    } finally {
      await context.close();
    }
  });
});
