import { error } from '@sveltejs/kit';
import * as api from '$lib/server/api-org';
import type { RequestHandler } from './$types';

/** The staff photo under the admin's own origin (the CSP allows images from 'self' only). */
export const GET: RequestHandler = async ({ locals, params }) => {
  const token = api.requireToken(locals);
  const photo = await api.fetchStaffPhoto(token, params.staffId);
  if (photo.status !== 200 || !photo.bytes || !photo.contentType) error(photo.status === 404 ? 404 : photo.status === 401 ? 401 : 502, { message: 'photo' });
  return new Response(photo.bytes, {
    headers: { 'content-type': photo.contentType, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' },
  });
};
