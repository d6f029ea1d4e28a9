import { recoveryMessages } from '$lib/i18n-recovery';
import type { PageServerLoad } from './$types';

// No token in this address: the link is spent, and the receipt names nothing.
export const load: PageServerLoad = ({ locals }) => ({ t: recoveryMessages(locals.lang) });
