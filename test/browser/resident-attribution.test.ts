import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { keys } from '../../functions/src/data/keys.js';
import { demoWindows, loginToken } from '../support/api-client.js';
import { JS_MODES, launchChromium, phoneContext } from '../support/browser.js';
import { daysFrom } from '../support/clock.js';

/**
 * The resident says who served them (为您服务的工作人员, docs/decisions/0012-attribution.md), with
 * JavaScript on and off: the radios list the staff on duty as the card shows them (name and 工号)
 * with 不确定 / 未注意 chosen by default; a rating counts for the one person chosen, or for nobody.
 * Counters are read straight from DynamoDB Local.
 */

const baseUrl = inject('baseUrl');
const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const OPS = 'manyi-ops';
const TOTALS = 'manyi-totals';
const LEGEND = '为您服务的工作人员';
const UNSURE = '不确定 / 未注意';

interface Person {
  id: string;
  name: string;
  staffNo: string;
}
let browser: Browser;
/** Demo windows with two staff on duty (every fourth window of the demo county): the card's people, and the ids the window record holds. */
let pairs: { code: string; staffOnDuty: Person[]; onDutyIds: string[] }[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const windows = await demoWindows(baseUrl, await loginToken(baseUrl));
  for (const window of windows) {
    const card = (await (await fetch(`${baseUrl}/api/public/windows/${window.code}`)).json()) as { staffOnDuty: Person[] };
    if (card.staffOnDuty.length < 2) continue;
    // Straight from the table, not from the card: what the counters are keyed by.
    const { Item } = await doc.send(new GetCommand({ TableName: OPS, Key: keys.window(window.code), ConsistentRead: true }));
    pairs.push({ code: window.code, staffOnDuty: card.staffOnDuty, onDutyIds: Item!.staffOnDutyIds as string[] });
  }
  expect(pairs.length).toBeGreaterThanOrEqual(4);
  // Not the windows the other resident tests rate.
  pairs = pairs.slice(-4);
});

afterAll(async () => {
  await browser?.close();
  doc.destroy();
});

/** Today and tomorrow (China time): the rating lands on one of them even if the day changes meanwhile. */
function ratingDays(): string[] {
  const { from, to } = daysFrom(0);
  return [from, to];
}

/** Counters of a window's day totals, added up over `days`. */
async function counters(code: string, names: readonly string[], days: readonly string[]): Promise<number[]> {
  const sums = names.map(() => 0);
  for (const day of days) {
    const { Item } = await doc.send(new GetCommand({ TableName: TOTALS, Key: keys.windowDayTotals(code, day, 'window-qr'), ConsistentRead: true }));
    names.forEach((name, i) => (sums[i]! += Number(Item?.[name] ?? 0)));
  }
  return sums;
}

const servedBy = (page: Page) => page.getByRole('group', { name: LEGEND });

/**
 * Opens one of the resident form's folded parts (a <details>) by its summary, unless it is open
 * already (with JavaScript, the 差评 reasons open when 不满意 or 非常不满意 is chosen).
 */
async function unfold(page: Page, summary: string | RegExp): Promise<void> {
  const fold = page.locator('form[data-rating-form] details').filter({ has: page.locator('summary', { hasText: summary }) });
  if ((await fold.getAttribute('open')) === null) await fold.locator('summary').click();
}

async function rateDissatisfied(page: Page): Promise<void> {
  await page.getByRole('group', { name: /满意吗/ }).getByRole('radio', { name: '不满意', exact: true }).check();
  await unfold(page, '请选择原因');
  await page.getByRole('checkbox', { name: '效率低' }).check();
}

describe.each(JS_MODES)('a resident says who served them $name', ({ javaScriptEnabled }) => {
  it('lists the staff on duty by name and 工号 with 不确定 chosen, and counts the rating for the one person picked', async () => {
    const window = pairs[javaScriptEnabled ? 0 : 1]!;
    const [first, second] = window.staffOnDuty as [Person, Person];
    expect(window.staffOnDuty.map((person) => person.id)).toEqual(window.onDutyIds);
    const days = ratingDays();
    const names = [`window-qr|sv|${second.id}|2`, `window-qr|sv|${first.id}|2`, 'window-qr|at|2', 'c2', `window-qr|st|${first.id}|2`, `window-qr|st|${second.id}|2`];
    const before = await counters(window.code, names, days);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();

    const response = await page.goto(`${baseUrl}/w/${window.code}`);
    const html = await response!.body();
    await unfold(page, LEGEND);
    const group = servedBy(page);
    for (const person of window.staffOnDuty) {
      await expect(group.getByRole('radio', { name: `${person.name} 工号 ${person.staffNo}` }).count()).resolves.toBe(1);
    }
    await expect(group.getByRole('radio').count()).resolves.toBe(window.staffOnDuty.length + 1);
    await expect(group.getByRole('radio', { name: UNSURE }).isChecked()).resolves.toBe(true);
    await rateDissatisfied(page);
    await group.getByRole('radio', { name: `${second.name} 工号 ${second.staffNo}` }).check();
    await Promise.all([page.waitForURL(/\/thanks$/), page.getByRole('button', { name: /提交/ }).click()]);

    expect(html.length).toBeLessThan(15_000); // the resident page's HTML budget
    const after = await counters(window.code, names, days);
    // The person picked, and only them; the window and the attributed count move with them.
    expect(after).toEqual([before[0]! + 1, before[1]!, before[2]! + 1, before[3]! + 1, before[4]!, before[5]!]);
    await context.close();
  });

  it('leaves 不确定 as it is: the rating counts for the window and for nobody on duty', async () => {
    const window = pairs[javaScriptEnabled ? 2 : 3]!;
    const days = ratingDays();
    // Not named, and not counted for everyone on duty either (the legacy st counters, decision 0012).
    const staffCounters = window.onDutyIds.flatMap((id) => [`window-qr|sv|${id}|2`, `window-qr|st|${id}|2`]);
    const names = [...staffCounters, 'window-qr|at|2', 'c2'];
    const before = await counters(window.code, names, days);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();

    await page.goto(`${baseUrl}/w/${window.code}`);
    await rateDissatisfied(page);
    await Promise.all([page.waitForURL(/\/thanks$/), page.getByRole('button', { name: /提交/ }).click()]);

    const after = await counters(window.code, names, days);
    expect(after).toEqual([...before.slice(0, -1), before.at(-1)! + 1]);
    await context.close();
  });

  it('shows the choices in English too, with the names as the card gives them', async () => {
    const window = pairs[0]!;
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/w/${window.code}?lang=en`);
    await unfold(page, 'Who served you?');
    const group = page.getByRole('group', { name: 'Who served you?' });
    await expect(group.getByRole('radio', { name: 'Not sure / did not notice' }).isChecked()).resolves.toBe(true);
    const first = window.staffOnDuty[0]!;
    await expect(group.getByRole('radio', { name: `${first.name} Staff no. ${first.staffNo}` }).count()).resolves.toBe(1);
    await context.close();
  });

  it('names the problem next to the choices when the posted person is not on duty (a stale page), and stores nothing', async () => {
    const window = pairs[1]!;
    const days = ratingDays();
    const before = await counters(window.code, ['c5'], days);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/w/${window.code}`);

    // What a page opened before a shift change posts: someone who is no longer on duty here.
    const form = new URL((await page.locator('form[data-rating-form]').getAttribute('action'))!, page.url()).href;
    const key = await page.locator('input[name="idempotencyKey"]').inputValue();
    const reply = await page.request.post(form, {
      form: { idempotencyKey: key, level: '5', staffId: 'staff-999' },
      headers: { origin: baseUrl, accept: 'text/html' }, // what a browser without JavaScript sends
      maxRedirects: 0,
    });
    await page.setContent(await reply.text());

    expect(reply.status()).toBe(400);
    await expect(page.locator('#served-by-error').innerText()).resolves.toContain('请从在岗工作人员中选择一位');
    expect(await counters(window.code, ['c5'], days)).toEqual(before);
    await context.close();
  });
});
