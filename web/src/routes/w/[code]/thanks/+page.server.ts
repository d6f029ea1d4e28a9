import { messages } from '$lib/i18n';
import type { PageServerLoad } from './$types';

// Deliberately knows nothing about the rating: a receipt must not prove how someone rated.
export const load: PageServerLoad = ({ locals }) => ({ t: messages(locals.lang).thanks });
