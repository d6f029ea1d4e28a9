import { redirect } from '@sveltejs/kit';
import { POSTER_FORMATS, POSTER_SIZES, type PosterFormat, type PosterSize } from '#shared/contracts/surveys-posters.js';
import { downloadPoster } from '$lib/server/api-surveys';
import { endSession } from '$lib/server/session';
import type { RequestHandler } from './$types';

const pick = <T extends string>(allowed: readonly T[], value: string | null, fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);

/**
 * Poster downloads: the API's file passed through with the session token (the API checks scope
 * and audits). A refusal goes back to the posters page with its status.
 */
export const GET: RequestHandler = async ({ locals, url, cookies }) => {
  if (!locals.sessionToken) redirect(303, '/login');
  const size = pick<PosterSize>(POSTER_SIZES, url.searchParams.get('size'), 'A4');
  const window = url.searchParams.get('window');
  const unit = url.searchParams.get('unit');
  const response = window
    ? await downloadPoster(locals.sessionToken, { window, format: pick<PosterFormat>(POSTER_FORMATS, url.searchParams.get('format'), 'pdf'), size })
    : await downloadPoster(locals.sessionToken, { unit: unit ?? '', size });
  if (response.status === 401) {
    endSession(cookies, url);
    redirect(303, '/login');
  }
  if (!response.ok) redirect(303, `/admin/posters?failed=${response.status}`);
  const headers = new Headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  for (const name of ['content-type', 'content-disposition']) {
    const value = response.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(await response.arrayBuffer(), { status: 200, headers });
};
