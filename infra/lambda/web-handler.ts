import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { chinaDay } from '#shared/domain/china-time.js';
import { forwardedClient } from '#shared/domain/client-key.js';
import type { OriginSecrets } from '../../functions/src/data/origin-secrets.js';
import { ORIGIN_HEADER, originVerified } from '../../functions/src/middleware/origin-guard.js';
import type { ClientKeyring } from '../../functions/src/throttle/keyring.js';
import { mac128 } from '../../functions/src/throttle/mac.js';
import { contentTypeOf, findPrerendered, toRequest, toResult, VIEWER_ADDRESS_HEADER } from './lambda-http.js';

/**
 * What the SvelteKit server in Lambda does around SvelteKit itself (web-server.ts wires it to the
 * real build): refuses whatever did not come through CloudFront, serves prerendered pages, and
 * tells the app the forwarded client of the viewer (decision 0014, 0015-anti-stuffing).
 */

/** `event.platform` as the app reads it (web/src/lib/server/forwarded-client.ts, ViewerPlatform). */
export interface ViewerPlatform {
  viewer: { forwardedClient: string | undefined };
}

/** The part of SvelteKit's `Server` this handler uses. */
export interface SvelteKitServer {
  respond(request: Request, options: { getClientAddress(): string; platform?: ViewerPlatform }): Promise<Response>;
}

export interface WebHandlerOptions {
  server: SvelteKitServer;
  /** `server.init(…)`, awaited before the first request. */
  ready: Promise<unknown>;
  prerenderedDir: string;
  /** Fixed public origin (ORIGIN); otherwise the viewer host CloudFront passes on. */
  origin?: string | undefined;
  /** The accepted values of the origin header; undefined: nothing is checked and no client is forwarded. */
  originSecrets?: OriginSecrets | undefined;
  /** The day keys of the forwarded client (KMS in AWS, as the API derives them); undefined: none is forwarded. */
  keyring?: ClientKeyring | undefined;
  now?: () => Date;
  /** Where a failure to compute the forwarded client is reported (by name only). */
  warn?: (message: string) => void;
}

const FORBIDDEN: APIGatewayProxyStructuredResultV2 = {
  statusCode: 403,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body: 'Forbidden\n',
  isBase64Encoded: false,
};

export function createWebHandler(options: WebHandlerOptions): (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> {
  const now = options.now ?? (() => new Date());
  const warn = options.warn ?? ((message: string) => console.error(message));

  /** The viewer's forwarded client, from the address CloudFront wrote; never the address itself. */
  async function clientOf(address: string | undefined): Promise<string | undefined> {
    if (!options.keyring || !address || isIP(address) === 0) return undefined;
    try {
      return forwardedClient(mac128, await options.keyring.dayKey(chinaDay(now())), address);
    } catch (error) {
      // Without it the API applies no per-client limit to this request (the WAF still does): no reason to fail it.
      warn(`[web] forwarded client unavailable (${error instanceof Error ? error.name : 'unknown'})`);
      return undefined;
    }
  }

  return async (event) => {
    await options.ready;
    // Neither header reaches SvelteKit: the secret and the address are nothing the app should hold.
    const headers = { ...event.headers };
    const presented = headers[ORIGIN_HEADER];
    const address = headers[VIEWER_ADDRESS_HEADER];
    delete headers[ORIGIN_HEADER];
    delete headers[VIEWER_ADDRESS_HEADER];
    const verified = options.originSecrets ? originVerified(presented, await options.originSecrets()) : false;
    if (options.originSecrets && !verified) return FORBIDDEN;

    const method = event.requestContext.http.method.toUpperCase();
    if (method === 'GET' || method === 'HEAD') {
      const file = findPrerendered(options.prerenderedDir, event.rawPath);
      if (file) {
        const body = readFileSync(file);
        return toResult(new Response(body, { headers: { 'content-type': contentTypeOf(file) } }), method);
      }
    }
    const request = toRequest({ ...event, headers }, { origin: options.origin });
    // Only form posts (the rating, the sign-in) send a client to the API; a page view needs none.
    // The address is believed only with the origin secret: around CloudFront anyone could write it.
    const platform: ViewerPlatform = { viewer: { forwardedClient: verified && method === 'POST' ? await clientOf(address) : undefined } };
    const response = await options.server.respond(request, {
      platform,
      // Behind CloudFront this is an edge address, never the resident's: the app must not use or
      // store client addresses (ARCHITECTURE.md, invariant 3).
      getClientAddress: () => event.requestContext.http.sourceIp,
    });
    return toResult(response, method);
  };
}

/**
 * `fetch` that adds the origin header to requests for the API (`apiBaseUrl`): the web server calls
 * the API directly, not through CloudFront, and the API refuses requests without it. Installed as
 * the global fetch by web-server.ts, so that every API client in web/src sends it without knowing.
 */
export function fetchWithOriginHeader(base: typeof fetch, apiBaseUrl: string, secrets: OriginSecrets): typeof fetch {
  const api = new URL(apiBaseUrl).origin;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!URL.canParse(url) || new URL(url).origin !== api) return base(input, init);
    const [current] = await secrets();
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    if (current) headers.set(ORIGIN_HEADER, current);
    return base(input, { ...init, headers });
  };
}
