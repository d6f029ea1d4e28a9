import { messages } from '$lib/i18n';
import type { PageServerLoad } from './$types';

// Like the receipt, knows nothing about any rating: only that this phone rated this window recently.
export const load: PageServerLoad = ({ locals }) => ({ t: messages(locals.lang).recent });
