import { operations } from '#shared/contracts/api.js';
import { RatingCreated } from '#shared/contracts/rating.js';
import { RatingLinkView } from '#shared/contracts/rating-links.js';
import { call, type ApiResult, type RatingRequestBody } from './api';

/**
 * One-time rating links (decision 0020). The token goes to the API in the JSON body only, never in
 * the API's path or query, so the API's access logs never hold it.
 */
export function viewRatingLink(token: string): Promise<ApiResult<RatingLinkView>> {
  const op = operations.viewRatingLink;
  return call(RatingLinkView, { method: op.method, path: op.path, body: { token } });
}

/** The rating as the window page builds it, without what the link fixes (window, service item, staff). */
export function submitLinkRating(token: string, body: Omit<RatingRequestBody, 'windowCode' | 'serviceItem' | 'staffId'> & Record<string, unknown>): Promise<ApiResult<RatingCreated>> {
  const op = operations.submitLinkRating;
  return call(RatingCreated, { method: op.method, path: op.path, body: { token, ...body } });
}
