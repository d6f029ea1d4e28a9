import { redirect } from '@sveltejs/kit';
import { messages } from '$lib/i18n';
import { endEnrollment, endSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

// Logging out changes state, so it is a POST (the button on /admin); GET only asks.
export const load: PageServerLoad = ({ locals }) => {
  if (!locals.sessionToken) redirect(303, '/login');
  return { t: messages(locals.lang).account };
};

export const actions: Actions = {
  default: ({ cookies, url }) => {
    endSession(cookies, url);
    endEnrollment(cookies, url);
    redirect(303, '/login');
  },
};
