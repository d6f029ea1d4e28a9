import type middy from '@middy/core';
import type { TokenVerifier } from '../auth/tokens.js';
import { UnauthorizedError } from '../errors.js';
import { header, type Context, type HttpEvent, type HttpResult } from './http.js';

/** Requires `Authorization: Bearer <token>` and puts the verified principal on the event. */
export function bearerAuth(verifier: () => TokenVerifier): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: async (request) => {
      const value = header(request.event, 'authorization') ?? '';
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(value);
      if (!match?.[1]) throw new UnauthorizedError();
      try {
        request.event.principal = await verifier().verify(match[1]);
      } catch (error) {
        throw new UnauthorizedError('Authorization: the token is invalid or expired', { cause: error });
      }
    },
  };
}
