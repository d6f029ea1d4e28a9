import { messages } from '$lib/i18n';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ t: messages(locals.lang).landing });
