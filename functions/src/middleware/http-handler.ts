import middy from '@middy/core';
import type { Operation } from '#shared/contracts/api.js';
import type { TokenVerifier } from '../auth/principal.js';
import { bearerAuth, ENROLLMENT_OPERATIONS } from './bearer-auth.js';
import { errorHandler } from './error-handler.js';
import type { Context, HttpEvent, HttpResult } from './http.js';
import { jsonBody } from './json-body.js';

/**
 * The middy stack of every HTTP route, chosen from its operation: errors → auth → body → handler.
 * The handler itself only parses, calls one use case and returns.
 */
export function httpHandler(
  operation: Operation,
  handler: (event: HttpEvent, context: Context) => Promise<HttpResult>,
  options: { verifier?: () => TokenVerifier } = {},
) {
  const chain = middy<HttpEvent, HttpResult, Error, Context>().use(errorHandler());
  if (operation.auth === 'bearer') {
    if (!options.verifier) throw new Error(`${operation.path} needs a token verifier`);
    chain.use(bearerAuth(options.verifier, { allowEnrollment: ENROLLMENT_OPERATIONS.some((op) => op.method === operation.method && op.path === operation.path) }));
  }
  if (operation.body) chain.use(jsonBody());
  return chain.handler(handler);
}
