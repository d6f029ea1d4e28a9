import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Operation } from '#shared/contracts/api.js';
import type { ClientVerifier } from '../auth/client-credentials.js';
import type { TokenVerifier } from '../auth/principal.js';
import { bearerAuth } from './bearer-auth.js';
import { clientAuth } from './client-auth.js';
import { errorHandler } from './error-handler.js';
import type { BearerEvent, ClientEvent, Context, HttpEvent, HttpResult, PublicEvent } from './http.js';
import { jsonBody } from './json-body.js';
import { originGuard } from './origin-guard.js';

/** What a route's handler receives, read from its operation's `auth` literal. */
export type RouteEvent<O extends Operation> = O['auth'] extends 'bearer' ? BearerEvent : O['auth'] extends 'client' ? ClientEvent : PublicEvent;

export type RouteHandler<E> = (event: E, context: Context) => Promise<HttpResult>;

let tokenSource: (() => TokenVerifier) | undefined;

/**
 * Where bearer tokens are verified, said once by the composition root (runtime.ts, which every
 * bearer handler imports). The middleware does not import the runtime itself, so the bundles of
 * public functions (health, OpenAPI) stay free of the data layer and the DynamoDB SDK.
 */
export function useTokenVerifier(source: () => TokenVerifier): void {
  tokenSource = source;
}

let clientSource: (() => ClientVerifier) | undefined;

/** Where 接入系统 credentials are verified, said once by the composition root (runtime.ts). */
export function useClientVerifier(source: () => ClientVerifier): void {
  clientSource = source;
}

function clients(): ClientVerifier {
  if (!clientSource) throw new Error('no client verifier: the handler must import runtime.js');
  return clientSource();
}

function tokens(): TokenVerifier {
  if (!tokenSource) throw new Error('no token verifier: the handler must import runtime.js');
  return tokenSource();
}

/**
 * The middy stack of every HTTP route, chosen from its operation: errors → origin → auth → body →
 * handler (in AWS the origin guard refuses whatever did not come through CloudFront, decision 0014).
 * The handler itself only parses, calls one use case and returns; on a bearer route it gets the
 * verified principal, on a public one it has none to read.
 */
export function httpHandler<O extends Operation>(
  operation: O,
  handler: RouteHandler<RouteEvent<O>>,
): MiddyfiedHandler<HttpEvent, HttpResult, Error, Context>;
// Wider than the signature above on purpose: what makes RouteEvent<O> true at run time is
// bearerAuth, registered below for exactly the operations whose auth is 'bearer'.
export function httpHandler(operation: Operation, handler: RouteHandler<HttpEvent>) {
  const chain = middy<HttpEvent, HttpResult, Error, Context>().use(errorHandler()).use(originGuard());
  // Read per request, not at load: tests swap the runtime (setRuntime) after importing handlers.
  if (operation.auth === 'bearer') chain.use(bearerAuth(operation, tokens));
  if (operation.auth === 'client') chain.use(clientAuth(clients));
  if (operation.body) chain.use(jsonBody(operation.largeBody));
  return chain.handler(handler);
}
