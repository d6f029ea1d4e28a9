import { messages } from '$lib/i18n';
import type { PageServerLoad } from './$types';

// No token in this address: after the rating the link is spent, and the receipt names nothing.
export const load: PageServerLoad = ({ locals }) => ({ t: messages(locals.lang).thanks });
