import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { loginToken } from '../support/api-client.js';
import { JS_MODES, adminLogin, desktopContext, launchChromium, phoneContext } from '../support/browser.js';
import { enrollTotp, withTotpCode } from '../support/demo-totp.js';

/**
 * Drill I-2: hostile strings in every free-text field an agency or a resident can write (unit,
 * window, service items, staff, questionnaire, account display name, rating comment) are shown as
 * text in every admin and resident view that shows them, with JavaScript on and off. Nothing runs
 * (no dialog) and nothing from the input becomes an element (no <img src=x>, no <script>alert…,
 * no on… handler, no javascript: link).
 */

const baseUrl = inject('baseUrl');
const P = {
  img: '<img src=x onerror=alert(1)>',
  script: '"><script>alert(2)</script>',
  js: 'javascript:alert(3)',
  svg: '<svg onload=alert(4)>',
  template: "{{constructor.constructor('alert(5)')()}}",
} as const;
const ALL = Object.values(P).join(' ');
const AUDITOR = { username: 'audit.xss', password: 'Xss-Drill-2026!' };

/** What the test wrote, field by field (each within its field's length limit). */
const hostile = {
  unitName: `${P.img}${P.script}`,
  windowName: `${P.svg}${P.js}`,
  serviceItems: [P.js, P.template, P.img],
  staffName: P.img,
  post: P.script,
  duties: `${P.template}${P.js}`,
  pledge: `${P.img}${P.script}${P.svg}`,
  surveyTitle: P.template,
  question: `${P.script}${P.img}`,
  choices: [P.svg, P.template],
  displayName: P.img,
  hallName: `${P.svg}${P.img}`,
  hallAddress: P.script,
};

let browser: Browser;
let auditorSecret: string;
let token: string;
let unitId: string;
let staffId: string;
let code: string;
let surveyVersion: number;
/** The China days on which the hostile rating can have landed (two if the day changed while it was sent). */
let rated: { from: string; to: string };

async function api(path: string, init: { method?: string; body?: unknown; auth?: string | null } = {}) {
  const auth = init.auth === undefined ? token : init.auth;
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
}

beforeAll(async () => {
  browser = await launchChromium();
  token = await loginToken(baseUrl);

  const unit = await api('/api/org/units', { body: { name: hostile.unitName, parentId: 'jn-qh-lj' } });
  expect(unit.status, JSON.stringify(unit.json)).toBe(201);
  unitId = unit.json.id;
  expect(unit.json.name).toBe(hostile.unitName);

  const staff = await api(`/api/org/units/${unitId}/staff`, {
    body: { staffNo: 'XSS-1', name: hostile.staffName, post: hostile.post, duties: hostile.duties, pledge: hostile.pledge, partyMember: false },
  });
  expect(staff.status, JSON.stringify(staff.json)).toBe(201);
  staffId = staff.json.id;

  const window = await api(`/api/org/units/${unitId}/windows`, { body: { name: hostile.windowName, serviceItems: hostile.serviceItems.map((name) => ({ name })) } });
  expect(window.status, JSON.stringify(window.json)).toBe(201);
  code = window.json.code;
  const onDuty = await api(`/api/org/windows/${code}/staff`, { body: { staffIds: [staffId], onDutyIds: [staffId] } });
  expect(onDuty.status, JSON.stringify(onDuty.json)).toBe(200);
  // A hall (服务大厅) of the unit with a hostile name and address, and the window in it.
  const hall = await api(`/api/org/units/${unitId}/halls`, { body: { name: hostile.hallName, address: hostile.hallAddress } });
  expect(hall.status, JSON.stringify(hall.json)).toBe(201);
  expect((await api(`/api/org/windows/${code}`, { body: { hallId: hall.json.id } })).status).toBe(200);

  const draft = await api(`/api/admin/units/${unitId}/survey/drafts`, { method: 'POST' });
  expect(draft.status, JSON.stringify(draft.json)).toBe(201);
  surveyVersion = draft.json.version;
  const saved = await api(`/api/admin/units/${unitId}/survey/versions/${surveyVersion}`, {
    body: {
      title: hostile.surveyTitle,
      questions: [
        { id: 'q1', kind: 'single', text: hostile.question, required: false, choices: hostile.choices.map((text, i) => ({ id: `c${i + 1}`, text })) },
        { id: 'q2', kind: 'text', text: P.svg, required: false },
      ],
    },
  });
  expect(saved.status, JSON.stringify(saved.json)).toBe(200);
  expect((await api(`/api/admin/units/${unitId}/survey/versions/${surveyVersion}/publish`, { method: 'POST' })).status).toBe(200);

  // A rating whose comment and free-text answer carry every payload.
  const card = await api(`/api/public/windows/${code}`, { auth: null });
  const sending = new Date();
  const rating = await api('/api/public/ratings', {
    auth: null,
    body: { windowCode: code, level: 2, comment: ALL, surveyId: card.json.agencySection.surveyId, surveyVersion: card.json.agencySection.version, answers: { q2: ALL } },
  });
  expect(rating.status, JSON.stringify(rating.json)).toBe(201);
  rated = { from: chinaDay(sending), to: chinaDay(new Date()) };

  // An auditor whose display name is hostile (shown on /admin/accounts).
  const account = await api('/api/accounts', {
    body: { username: AUDITOR.username, displayName: hostile.displayName, personId: 'X-audit', role: 'auditor', unitId: 'jn-qh-lj', password: AUDITOR.password },
  });
  expect(account.status, JSON.stringify(account.json)).toBe(201);
  auditorSecret = await enrollTotp(baseUrl, AUDITOR.username, AUDITOR.password);
});

afterAll(async () => {
  await browser?.close();
});

/** Password, then (the account has a second factor) a fresh code of its secret. */
async function login(page: Page, username: string, password: string, secret: string, landing: RegExp): Promise<void> {
  await page.goto(`${baseUrl}/login`, { waitUntil: 'networkidle' });
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await Promise.all([page.waitForURL(/\/login\/totp$/), page.getByRole('button', { name: '登录' }).click()]);
  await withTotpCode(baseUrl, username, secret, async (code) => {
    await page.getByLabel('动态验证码').fill(code);
    await Promise.all([page.waitForURL(landing), page.getByRole('button', { name: '验证' }).click()]);
  });
}

/** Counts every dialog (alert, confirm, prompt) the page opens, and dismisses it. */
function countDialogs(page: Page): { count: number } {
  const seen = { count: 0 };
  page.on('dialog', (dialog) => {
    seen.count++;
    void dialog.dismiss();
  });
  return seen;
}

/** The page's text as a person meets it: text nodes outside script/style, option labels and form values. */
function shownText(page: Page): Promise<string> {
  return page.locator('body').evaluate((body) => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement?.closest('script, style, template')) parts.push(node.textContent ?? '');
    }
    for (const field of body.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) parts.push(field.value);
    return parts.join('\n');
  });
}

/** Nothing of the input became markup: no element, handler, script or javascript: URL from it. */
async function expectNoInjection(page: Page, view: string): Promise<void> {
  expect(await page.locator('img[src="x"]').count(), `${view}: <img src=x>`).toBe(0);
  expect(await page.locator('[onerror], [onload]').count(), `${view}: on… handler attribute`).toBe(0);
  expect(await page.locator('svg[onload]').count(), `${view}: <svg onload>`).toBe(0);
  const inline = await page.locator('script:not([src])').allTextContents();
  expect(inline.filter((text) => /^\s*alert\(\d\)\s*$/.test(text)), `${view}: injected <script>`).toEqual([]);
  expect(await page.locator('[href^="javascript:" i], [src^="javascript:" i], [action^="javascript:" i]').count(), `${view}: javascript: URL`).toBe(0);
}

async function visit(page: Page, path: string, shows: string[]): Promise<void> {
  const response = await page.goto(`${baseUrl}${path}`);
  expect(response?.status(), path).toBe(200);
  const text = await shownText(page);
  for (const value of shows) expect(text, `${path} shows ${value} as text`).toContain(value);
  await expectNoInjection(page, path);
}

describe.each(JS_MODES)('hostile text in every view $name', ({ javaScriptEnabled }) => {
  it('shows the resident page and its thanks page as text, and keeps a hostile comment as text after a refused submit', async () => {
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    const dialogs = countDialogs(page);

    await visit(page, `/w/${code}`, [hostile.unitName, hostile.windowName, hostile.staffName, hostile.post, hostile.duties, hostile.pledge, hostile.question, ...hostile.choices, P.svg, hostile.hallName, hostile.hallAddress]);
    expect(await page.getByText(P.img).count()).toBeGreaterThan(0);

    // A refused submit (phone without consent) re-renders the form with the comment kept.
    await page.getByRole('group', { name: /满意吗/ }).getByRole('radio', { name: '满意', exact: true }).check();
    // The comment and the call back are folded (<details>) on the resident page.
    for (const fold of ['意见或建议', '电话回访']) await page.locator('summary', { hasText: fold }).click();
    await page.getByRole('textbox', { name: /意见|建议/ }).fill(ALL);
    await page.getByRole('textbox', { name: /电话|手机/ }).fill('13800138000');
    await page.getByRole('button', { name: /提交/ }).click();
    await page.getByText('留下电话需勾选同意回访').first().waitFor();
    await expect(page.getByRole('textbox', { name: /意见|建议/ }).inputValue()).resolves.toBe(ALL);
    await expectNoInjection(page, `/w/${code} after a refused submit`);

    await page.getByRole('textbox', { name: /电话|手机/ }).fill('');
    await Promise.all([page.waitForURL(/\/thanks$/), page.getByRole('button', { name: /提交/ }).click()]);
    await expectNoInjection(page, `/w/${code}/thanks`);

    expect(dialogs.count).toBe(0);
    await context.close();
  });

  it('shows every admin view as text', async () => {
    const context = await desktopContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    const dialogs = countDialogs(page);
    await adminLogin(page, baseUrl);

    await visit(page, `/admin?window=${code}&from=${rated.from}&to=${rated.to}`, [hostile.windowName, hostile.unitName]);
    await visit(page, '/admin/units', [hostile.unitName]);
    await visit(page, `/admin/units/${unitId}`, [hostile.unitName, hostile.staffName, hostile.windowName, hostile.hallName, hostile.hallAddress]);
    await visit(page, `/admin/windows/${code}`, [hostile.windowName, ...hostile.serviceItems, hostile.staffName, hostile.hallName]);
    await visit(page, `/admin/staff/${staffId}`, [hostile.staffName, hostile.post, hostile.duties, hostile.pledge]);
    await visit(page, `/admin/surveys?unit=${unitId}`, [hostile.surveyTitle]);
    await visit(page, `/admin/surveys/${unitId}/${surveyVersion}`, [hostile.surveyTitle, hostile.question, ...hostile.choices]);
    await visit(page, '/admin/posters', [hostile.windowName, hostile.unitName]);
    await visit(page, '/admin/accounts', [hostile.displayName]);
    // The committee report: the hostile unit as scope and as a row of its parent, its window and staff as rows.
    await visit(page, `/admin/reports?unit=${unitId}&period=custom&from=${rated.from}&to=${rated.to}`, [hostile.unitName, hostile.windowName, hostile.staffName]);
    await visit(page, `/admin/reports?unit=jn-qh-lj&period=custom&from=${rated.from}&to=${rated.to}`, [hostile.unitName]);

    expect(dialogs.count).toBe(0);
    await context.close();
  });

  it('shows the audit log to an auditor, with hostile filter values kept as text', async () => {
    const context = await desktopContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    const dialogs = countDialogs(page);
    // Auditors log in with their second factor (enrolled in beforeAll).
    await login(page, AUDITOR.username, AUDITOR.password, auditorSecret, /\/admin/);

    await visit(page, '/admin/audit', []);
    await visit(page, `/admin/audit?actor=${encodeURIComponent(P.script)}&action=${encodeURIComponent(P.img)}`, [P.script, P.img]);

    expect(dialogs.count).toBe(0);
    await context.close();
  });
});

describe('the poster of the hostile window', () => {
  it('downloads as a PDF', async () => {
    const response = await fetch(`${baseUrl}/api/admin/windows/${code}/poster?format=pdf`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"<>]*"$/);
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
