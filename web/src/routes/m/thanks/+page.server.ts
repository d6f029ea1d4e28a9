import { format } from '$lib/i18n';
import { mailboxMessages } from '$lib/i18n-mailbox';
import type { PageServerLoad } from './$types';

/** The receipt of a letter: when its unit is due to have looked into it; nothing of the letter. */
export const load: PageServerLoad = ({ locals, url }) => {
  const t = mailboxMessages(locals.lang);
  const due = url.searchParams.get('due') ?? '';
  return { title: t.thanksTitle, body: /^\d{4}-\d{2}-\d{2}$/.test(due) ? format(t.thanksBody, { due }) : t.thanksBodyPlain };
};
