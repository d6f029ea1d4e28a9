import { invitationText } from '../[token]/invitation-text';
import type { PageServerLoad } from './$types';

// No token in this address: after the answer the link is spent, and the receipt names nothing.
export const load: PageServerLoad = ({ locals }) => {
  const text = invitationText(locals.lang);
  return { title: text.thanks, body: text.thanksBody };
};
