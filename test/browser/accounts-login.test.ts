import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { desktopContext, JS_MODES, launchChromium } from '../support/browser.js';
import { loginToken } from '../support/api-client.js';
import { enrollTotp, totpCode, withTotpCode } from '../support/demo-totp.js';

/** Login with the TOTP second step, and the auditor finding a failed login — with and without JavaScript. */

const baseUrl = inject('baseUrl');
const PASSWORD = 'Browser-Test-2026!';
let browser: Browser;
let adminToken: string;
const secrets = new Map<string, string>();

async function api(path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
}

/**
 * A code the server refuses whatever its 30-second step: none of the steps it may accept while the
 * code is typed and sent (the one before now up to two after) gives it.
 */
function wrongCode(secret: string): string {
  const near = new Set([-1, 0, 1, 2].map((offset) => totpCode(secret, offset)));
  return ['123456', '654321', '111111', '222222', '333333'].find((candidate) => !near.has(candidate))!;
}

async function createAccount(username: string, role: string, personId: string) {
  const created = await api('/api/accounts', { token: adminToken, body: { username, displayName: username, personId, role, unitId: 'lj-scjg', password: PASSWORD } });
  expect(created.status).toBe(201);
}

beforeAll(async () => {
  browser = await launchChromium();
  adminToken = await loginToken(baseUrl);
  for (const mode of ['js', 'nojs']) {
    const username = `totp.${mode}`;
    await createAccount(username, 'unit-admin', `B-${mode}`);
    // Password login (enrollment-only token), start and confirm: the confirmed step counts as used.
    secrets.set(username, await enrollTotp(baseUrl, username, PASSWORD));
  }
  // Auditors without a factor yet: they enrol through the web page in the test below.
  await createAccount('audit.js', 'auditor', 'B-audit-js');
  await createAccount('audit.nojs', 'auditor', 'B-audit-nojs');
});

afterAll(async () => {
  await browser?.close();
});

async function fillLogin(page: Page, username: string, password: string) {
  await page.goto(`${baseUrl}/login`, { waitUntil: 'networkidle' });
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

describe.each(JS_MODES)('login with a second factor $name', ({ javaScriptEnabled }) => {
  const username = javaScriptEnabled ? 'totp.js' : 'totp.nojs';

  it('asks for the TOTP code after the password, refuses a wrong one next to the field, and signs in with the right one', async () => {
    const context = await desktopContext(browser, javaScriptEnabled);
    const page = await context.newPage();

    await fillLogin(page, username, PASSWORD);
    await page.waitForURL(/\/login\/totp$/);
    const secret = secrets.get(username)!;
    await page.getByLabel('动态验证码').fill(wrongCode(secret));
    await page.getByRole('button', { name: '验证' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('验证码错误');

    // The next step this account has not used (the enrollment used one), inside the server's window.
    await withTotpCode(baseUrl, username, secret, async (code) => {
      await page.getByLabel('动态验证码').fill(code);
      await Promise.all([page.waitForURL(/\/admin$/), page.getByRole('button', { name: '验证' }).click()]);
    });
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'manyi_session')?.httpOnly).toBe(true);
    await context.close();
  });

  it('sends an auditor without a factor to enrolment (every admin page redirects there), then signs in with the new code and shows a failed login', async () => {
    const auditor = javaScriptEnabled ? 'audit.js' : 'audit.nojs';
    const ghost = `ghost.${javaScriptEnabled ? 'js' : 'nojs'}`;
    expect((await api('/api/auth/login', { body: { username: ghost, password: 'not-the-password' } })).status).toBe(401);
    const context = await desktopContext(browser, javaScriptEnabled);
    const page = await context.newPage();

    // Password only: an enrollment-only credential, which opens nothing but the enrolment page.
    await fillLogin(page, auditor, PASSWORD);
    await page.waitForURL(/\/admin\/accounts\/totp$/);
    expect((await context.cookies()).find((c) => c.name === 'manyi_session')).toBeUndefined();
    await page.goto(`${baseUrl}/admin/audit?action=login.failed`);
    await page.waitForURL(/\/admin\/accounts\/totp$/);
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('必须先设置两步验证');

    // Enrol on the page: the secret is shown once; a code from it confirms.
    await page.getByRole('button', { name: '生成二维码' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText()).trim();
    await withTotpCode(baseUrl, auditor, secret, async (code) => {
      await page.getByLabel('动态验证码').fill(code);
      await Promise.all([page.waitForURL(/\/login\?enrolled=1$/), page.getByRole('button', { name: '完成设置' }).click()]);
    });
    await expect(page.getByRole('status').innerText()).resolves.toContain('两步验证已启用');
    expect((await context.cookies()).find((c) => c.name === 'manyi_enroll')).toBeUndefined();

    // Log in again: password, then the next code.
    await page.getByLabel('用户名').fill(auditor);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/login\/totp$/);
    // A step after the one the enrollment used.
    await withTotpCode(baseUrl, auditor, secret, async (code) => {
      await page.getByLabel('动态验证码').fill(code);
      await Promise.all([page.waitForURL(/\/admin$/), page.getByRole('button', { name: '验证' }).click()]);
    });
    await page.goto(`${baseUrl}/admin/audit?action=login.failed`);
    const text = await page.locator('table').innerText();
    expect(text).toContain(ghost);
    expect(text).not.toContain('not-the-password');
    await context.close();
  });
});

/**
 * AWS, first login (Cognito MFA_SETUP): the login action keeps Cognito's new secret in a cookie
 * beside the challenge, and /login/totp shows it as a QR code and as text above the code field.
 * This server runs in local mode, so the test sets the two cookies the login action would set;
 * the API then refuses the Cognito challenge as expired, which the page must say.
 */
describe.each(JS_MODES)('first AWS login: setting up the second factor $name', ({ javaScriptEnabled }) => {
  it('shows the secret and its QR code, then asks to log in again when the challenge is refused', async () => {
    const context = await desktopContext(browser, javaScriptEnabled);
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DP';
    const at = { domain: new URL(baseUrl).hostname, path: '/login' };
    await context.addCookies([
      { name: 'manyi_mfa', value: 'cognito-setup.eGluLnl1YW4.session', ...at },
      { name: 'manyi_mfa_setup', value: encodeURIComponent(JSON.stringify({ secret, uri: `otpauth://totp/Manyi:xin.yuan?secret=${secret}&issuer=Manyi` })), ...at },
    ]);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login/totp`);
    await expect(page.getByTestId('totp-setup').innerText()).resolves.toContain('首次登录');
    await expect(page.getByTestId('totp-secret').innerText()).resolves.toBe(secret);
    await expect(page.locator('img[alt="otpauth QR"]').getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml;base64,/);

    // Any code: this local-mode server refuses the Cognito challenge before it looks at the code.
    await page.getByLabel('动态验证码').fill(totpCode(secret));
    await page.getByRole('button', { name: '验证' }).click();
    // With JavaScript the message appears in place; without, the page reloads and sends the user
    // to the login page, which says the same.
    if (!javaScriptEnabled) await page.waitForURL(/\/login\?expired=1$/);
    await expect(page.getByRole('alert').innerText()).resolves.toContain('登录已超时');
    const names = (await context.cookies()).map((c) => c.name);
    expect(names).not.toContain('manyi_mfa');
    expect(names).not.toContain('manyi_mfa_setup');
    await context.close();
  });
});
