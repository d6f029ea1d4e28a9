import type middy from '@middy/core';
import { operations, type Operation } from '#shared/contracts/api.js';
import type { TokenVerifier } from '../auth/principal.js';
import { EnrollmentRequiredError } from '../auth/tokens.js';
import { UnauthorizedError } from '../errors.js';
import { header, type Context, type HttpEvent, type HttpResult } from './http.js';

/**
 * The only operations an enrollment-only token (second factor not enrolled yet) may call. Every
 * other bearer route refuses it with 403 MFA_ENROLLMENT_REQUIRED, here, before its handler runs.
 */
export const ENROLLMENT_OPERATIONS: readonly Operation[] = [operations.startTotpEnrollment, operations.confirmTotpEnrollment, operations.logout];

/**
 * Requires `Authorization: Bearer <token>` and puts the verified principal on the event. Whether an
 * enrollment-only token is accepted is decided from the operation, never by the handler.
 */
export function bearerAuth(
  operation: Operation,
  verifier: () => TokenVerifier,
): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  const allowEnrollment = ENROLLMENT_OPERATIONS.some((op) => op.method === operation.method && op.path === operation.path);
  return {
    before: async (request) => {
      const value = header(request.event, 'authorization') ?? '';
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(value);
      if (!match?.[1]) throw new UnauthorizedError();
      try {
        request.event.principal = await verifier().verify(match[1], { allowEnrollment });
      } catch (error) {
        if (error instanceof EnrollmentRequiredError) throw error;
        throw new UnauthorizedError('Authorization: the token is invalid or expired', { cause: error });
      }
    },
  };
}
