import { surveyMessages } from '$lib/i18n-surveys';
import * as api from '$lib/server/api';
import { downloadPoster, tokenUnitId } from '$lib/server/api-surveys';
import { requireToken, sessionEnded } from '../surveys/guard.server';
import { isLoopback } from './loopback';
import type { PageServerLoad } from './$types';

/**
 * The base URL the posters encode (PUBLIC_BASE_URL of the API), learnt from the link of a window's
 * QR: `${base}/w/{code}`. Undefined when there is no window or the API does not answer.
 */
async function posterBaseUrl(token: string, code: string | undefined): Promise<string | undefined> {
  if (!code) return undefined;
  const response = await downloadPoster(token, { window: code, format: 'url', size: 'A4' });
  if (!response.ok) return undefined;
  const link = (await response.text()).trim();
  const at = link.lastIndexOf('/w/');
  return at > 0 ? link.slice(0, at) : undefined;
}

export const load: PageServerLoad = async ({ locals, cookies, url }) => {
  const token = requireToken(locals);
  const t = surveyMessages(locals.lang).admin;
  const listed = await api.listWindows(token);
  if (!listed.ok && listed.status === 401) sessionEnded(cookies, url);
  const baseUrl = listed.ok ? await posterBaseUrl(token, listed.data.windows[0]?.code) : undefined;
  return {
    t,
    windows: listed.ok ? listed.data.windows : [],
    unit: tokenUnitId(token),
    problem: listed.ok ? null : listed.status === 403 ? t.errors.forbidden : t.errors.unavailable,
    failed: url.searchParams.get('failed'),
    /** Set when the QR codes would open on this machine only. */
    loopbackBaseUrl: baseUrl && isLoopback(baseUrl) ? baseUrl : null,
  };
};
