import { error } from '@sveltejs/kit';
import { caseMessages } from '$lib/i18n-cases';
import { fetchCaseAttachment } from '$lib/server/api-cases';
import { requireToken } from '$lib/server/api-org';
import type { RequestHandler } from './$types';

/** A step's photo under the admin's own origin (the CSP allows images from 'self' only); the API checks the scope and audits the look. */
export const GET: RequestHandler = async ({ locals, params }) => {
  const token = requireToken(locals);
  const t = caseMessages(locals.lang);
  const photo = await fetchCaseAttachment(token, params.caseId, params.step);
  if (photo.status !== 200 || !photo.bytes || !photo.contentType) {
    const status = photo.status === 404 || photo.status === 400 ? 404 : photo.status === 403 ? 403 : photo.status === 401 ? 401 : 502;
    error(status, { message: status === 404 ? t.errors.notFound : status === 403 ? t.errors.forbidden : t.errors.unavailable });
  }
  return new Response(photo.bytes, { headers: { 'content-type': photo.contentType, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' } });
};
