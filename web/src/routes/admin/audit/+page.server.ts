import { error, redirect } from '@sveltejs/kit';
import { addDays, chinaDay } from '#shared/domain/china-time.js';
import { accountMessages } from '$lib/i18n-accounts';
import * as api from '$lib/server/api-accounts';
import { endSession } from '$lib/server/session';
import type { PageServerLoad } from './$types';

/** The auditor's view: a GET form (filters in the URL, so it works without JavaScript and can be bookmarked). */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = locals.sessionToken;
  if (!token) redirect(303, '/login');
  const t = accountMessages(locals.lang);
  const today = chinaDay(new Date());
  const query = {
    from: url.searchParams.get('from') || addDays(today, -6),
    to: url.searchParams.get('to') || today,
    actor: (url.searchParams.get('actor') ?? '').trim().slice(0, 64),
    action: (url.searchParams.get('action') ?? '').trim().slice(0, 64),
  };
  const cursor = url.searchParams.get('cursor') ?? undefined;
  const result = await api.listAudit(token, { ...query, ...(query.actor ? {} : { actor: undefined }), ...(query.action ? {} : { action: undefined }), ...(cursor ? { cursor } : {}), limit: 50 });
  if (result.ok) return { t, query, entries: result.data.entries, next: result.data.cursor ?? null, problem: null, forbidden: false };
  if (result.status === 401) {
    endSession(cookies, url);
    redirect(303, '/login');
  }
  if (result.status === 403) return { t, query, entries: [], next: null, problem: null, forbidden: true };
  if (result.status === 400) return { t, query, entries: [], next: null, problem: t.dateInvalid, forbidden: false };
  error(503, { message: t.unavailable });
};
