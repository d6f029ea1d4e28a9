import { invitationText } from '../[token]/invitation-text';
import type { PageServerLoad } from './$types';

// No token in this address either: the confirmation of a 退订 names no one.
export const load: PageServerLoad = ({ locals }) => {
  const text = invitationText(locals.lang);
  return { title: text.optedOut, body: text.optedOutBody };
};
