import type { z } from 'zod';
import { RatingCreated } from '#shared/contracts/rating.js';
import { invitationOperations, InvitationOptedOut, InvitationView } from '#shared/contracts/sampling/invitations.js';
import { call, type ApiResult, type RatingRequestBody } from '$lib/server/api';

/**
 * The resident's side of a 阳光测评 invitation (decision 0022). Like a 办件's link, the token goes to
 * the API in the JSON body only, never in the API's path or query, so its access logs never hold it.
 */
export function viewInvitation(token: string): Promise<ApiResult<InvitationView>> {
  const op = invitationOperations.viewInvitation;
  return call(InvitationView, { method: op.method, path: op.path, body: { token } });
}

/** The rating as the window page builds it, without what the invitation fixes (window, service item, staff, 回访). */
export type InvitationAnswer = Omit<RatingRequestBody, 'windowCode' | 'serviceItem' | 'staffId' | 'contactPhone' | 'consentToCallback'> & Record<string, unknown>;

export function submitInvitationRating(token: string, body: InvitationAnswer): Promise<ApiResult<RatingCreated>> {
  const op = invitationOperations.submitInvitationRating;
  return call(RatingCreated, { method: op.method, path: op.path, body: { token, ...body } });
}

export function optOutInvitation(token: string): Promise<ApiResult<z.infer<typeof InvitationOptedOut>>> {
  const op = invitationOperations.optOutInvitation;
  return call(InvitationOptedOut, { method: op.method, path: op.path, body: { token } });
}
