import { messages } from '$lib/i18n';
import { takeFollowUp } from '../follow-up.server';
import type { PageServerLoad } from './$types';

// Knows nothing about the rating but whether to say what happens after a 差评 (follow-up.server.ts):
// a receipt must not show how someone rated.
export const load: PageServerLoad = ({ locals, cookies, params, url }) => ({
  t: messages(locals.lang).thanks,
  followUp: takeFollowUp(cookies, params.code, url.protocol === 'https:'),
});
