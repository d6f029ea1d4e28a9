import type middy from '@middy/core';
import type { ErrorBody } from '#shared/contracts/errors.js';
import { AppError } from '../errors.js';
import { json, type Context, type HttpEvent, type HttpResult } from './http.js';
import { log } from './log.js';

/**
 * The one place errors become HTTP responses. Known errors (AppError) show their message and
 * field issues; anything else is a 500 with a generic message, logged by name only, never echoed.
 * Registered first so that, as middy runs onError in reverse, it is the last to see the error.
 */
export function errorHandler(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof AppError && error.expose) {
        const body: ErrorBody = {
          error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
        };
        request.response = json(error.statusCode, body);
        return;
      }
      // Name only: an SDK or runtime message may quote request data, which must not reach logs.
      log('error', 'unhandled error', {
        route: request.event.routeKey,
        error: error?.name ?? 'unknown',
        cause: error?.cause instanceof Error ? error.cause.name : undefined,
        requestId: request.context?.awsRequestId,
      });
      request.response = json(500, { error: { code: 'INTERNAL', message: 'internal error' } } satisfies ErrorBody);
    },
  };
}
