import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { withDemoCode } from './demo-totp.js';

/**
 * Debian's Chromium driven by playwright-core (test tools cannot download browsers here). The
 * background-networking flags keep Chromium from trying to reach Google on a machine with no
 * network; every page it loads is on 127.0.0.1.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** The two ways every page is tested: with JavaScript, and without it. */
export const JS_MODES = [
  { name: 'with JavaScript', javaScriptEnabled: true },
  { name: 'without JavaScript', javaScriptEnabled: false },
] as const;

/** A phone-sized context in the chosen mode, zh-CN like a resident's WeChat browser. */
export async function phoneContext(browser: Browser, javaScriptEnabled: boolean): Promise<BrowserContext> {
  return withTimeouts(await browser.newContext({
    javaScriptEnabled,
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  }));
}

export async function desktopContext(browser: Browser, javaScriptEnabled: boolean): Promise<BrowserContext> {
  return withTimeouts(
    await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' }),
  );
}

/**
 * Playwright's 30 s default is tight on a 2-core machine where DynamoDB Local's JVM, the server
 * and Chromium share the cores (an admin login alone runs a 128 MiB scrypt). A slow step should
 * still pass; a hung one fails within the test's own 120 s limit.
 */
function withTimeouts(context: BrowserContext): BrowserContext {
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  return context;
}

/** The password of every demo account. */
const DEMO_PASSWORD = 'Manyi-demo-2026';

/**
 * Log in as the demo system admin (or another demo account with a second factor) through the /login form and the /login/totp code form, with a
 * fresh code of the demo secret (works with and without JavaScript). Each TOTP step logs in once,
 * so a burst of logins waits up to 30 s for the next code (see demo-totp.ts).
 */
export async function adminLogin(page: Page, baseUrl: string, username = 'admin'): Promise<void> {
  await submitPassword(page, baseUrl, username, DEMO_PASSWORD, /\/login\/totp$/, 'admin login did not reach /login/totp');
  await withDemoCode(baseUrl, username, async (code) => {
    await page.getByLabel('动态验证码').fill(code);
    await Promise.all([page.waitForURL(/\/admin/), page.getByRole('button', { name: '验证' }).click()]);
  });
}

/** Log in as a staff member (no second factor): the password form lands on their own page, /me. */
export async function staffLogin(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<void> {
  await submitPassword(page, baseUrl, username, password, /\/me$/, 'staff login did not reach /me');
}

/** What a logged-in context saves: its cookies, to open pages as that account (`storageState`). */
export type Session = Awaited<ReturnType<BrowserContext['storageState']>>;

/** The demo accounts without a second factor (staff): their password alone logs them in. */
const DEMO_STAFF: readonly string[] = ['gongzuo', 'dangyuan'];

/**
 * Sessions of demo accounts, each logged in once in its own desktop context with JavaScript (one
 * TOTP login per account with a second factor): adminLogin, or staffLogin for the staff account.
 * `visit` runs on each account's page after the login, before its session is saved.
 */
export async function demoSessions<Name extends string>(
  browser: Browser,
  baseUrl: string,
  names: readonly Name[],
  visit?: (name: Name, page: Page) => Promise<void>,
): Promise<Record<Name, Session>> {
  const sessions = {} as Record<Name, Session>;
  for (const name of names) {
    const context = await desktopContext(browser, true);
    const page = await context.newPage();
    await (DEMO_STAFF.includes(name) ? staffLogin : adminLogin)(page, baseUrl, name);
    await visit?.(name, page);
    sessions[name] = await context.storageState();
    await context.close();
  }
  return sessions;
}

/** The /login form filled in and sent, waiting for the page it lands on. */
async function submitPassword(page: Page, baseUrl: string, username: string, password: string, landing: RegExp, failure: string): Promise<void> {
  // networkidle: with JavaScript, hydration must be done first, or it resets the fields just filled
  // (seen under load: the form then refused an empty username, 请输入用户名).
  await page.goto(`${baseUrl}/login`, { waitUntil: 'networkidle' });
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await Promise.all([page.waitForURL(landing), page.getByRole('button', { name: '登录' }).click()]).catch(async (error: unknown) => {
    // Say what the login page answered instead of only "timeout" (a lockout, a refused password).
    const shown = await page.locator('main').innerText().catch(() => '(no page)');
    throw new Error(`${failure} (at ${page.url()}): ${shown.slice(0, 300)}`, { cause: error });
  });
}
