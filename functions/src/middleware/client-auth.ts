import type middy from '@middy/core';
import { ClientCredentialError, type ClientVerifier } from '../auth/client-credentials.js';
import { UnauthorizedError } from '../errors.js';
import { header, type Context, type HttpEvent, type HttpResult } from './http.js';

/**
 * Requires `Authorization: Bearer mc1.{clientId}.{secret}` (a 接入系统 credential) and puts the
 * verified client on the event. A session token of a person is no credential here, and a client
 * credential is none on a bearer route: the two never stand in for each other.
 */
export function clientAuth(verifier: () => ClientVerifier): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: async (request) => {
      const match = /^Bearer (\S+)$/.exec(header(request.event, 'authorization') ?? '');
      if (!match?.[1]) throw new UnauthorizedError('Authorization: a 接入系统 credential (Bearer mc1.…) is required');
      try {
        request.event.client = await verifier().verify(match[1]);
      } catch (error) {
        if (error instanceof ClientCredentialError) throw new UnauthorizedError('Authorization: the client credential is invalid, rotated out or revoked', { cause: error });
        throw error;
      }
    },
  };
}
