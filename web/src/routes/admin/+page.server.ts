import { error, redirect } from '@sveltejs/kit';
import { addDays, chinaDay } from '#shared/domain/china-time.js';
import { messages } from '$lib/i18n';
import * as api from '$lib/server/api';
import { endSession } from '$lib/server/session';
import type { PageServerLoad } from './$types';

/** The default period: the last 30 China-time days, today included. */
const DEFAULT_DAYS = 30;

export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = locals.sessionToken;
  if (!token) redirect(303, '/login');
  const { results: t, errors, account } = messages(locals.lang);

  // An expired or revoked token: forget it and log in again.
  const sessionEnded = () => {
    endSession(cookies, url);
    redirect(303, '/login');
  };

  // The window list is paged (1,000 a page): `wpage` is the API's cursor of the page shown.
  let windowsCursor = url.searchParams.get('wpage')?.slice(0, 2048) || undefined;
  let listed = await api.listWindows(token, windowsCursor ? { cursor: windowsCursor } : {});
  // A stale or edited cursor (400 naming cursor) falls back to the first page.
  if (!listed.ok && listed.status === 400 && windowsCursor) {
    windowsCursor = undefined;
    listed = await api.listWindows(token);
  }
  if (!listed.ok) {
    if (listed.status === 401) sessionEnded();
    if (listed.status === 403) return { t, account: { logout: account.logout }, windows: [], query: null, result: null, problems: [t.forbidden] };
    error(503, { message: errors.errorTitle, hint: t.unavailable });
  }
  const windows = listed.data.windows;
  const windowPages = { current: windowsCursor ?? null, next: listed.data.cursor ?? null };

  const today = chinaDay(new Date());
  const query = {
    window: url.searchParams.get('window') || windows[0]?.code || '',
    from: url.searchParams.get('from') || addDays(today, 1 - DEFAULT_DAYS),
    to: url.searchParams.get('to') || today,
  };
  const page = { t, account: { logout: account.logout }, windows, windowPages, query };
  if (!query.window) return { ...page, result: null, problems: windows.length === 0 ? [t.noWindows] : [] };

  const result = await api.satisfaction(token, query);
  if (result.ok) return { ...page, result: result.data, problems: [] };
  if (result.status === 401) sessionEnded();

  const problems: string[] = [];
  if (result.status === 400) {
    for (const { field, message } of result.error.error.issues ?? []) {
      if (field === 'window') problems.push(t.unknownWindow);
      else if (/before/.test(message)) problems.push(t.toBeforeFrom);
      else if (/days|366/.test(message)) problems.push(t.rangeTooLong);
      else problems.push(`${field === 'to' ? t.to : t.from}：${t.invalidDay}`);
    }
  } else if (result.status === 404) problems.push(t.unknownWindow);
  else if (result.status === 403) problems.push(t.forbidden);
  else problems.push(t.unavailable);
  return { ...page, result: null, problems: [...new Set(problems)] };
};
