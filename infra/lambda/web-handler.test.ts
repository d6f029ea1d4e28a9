import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLIENT_HEADER, clientHash } from '#shared/domain/client-key.js';
import { staticOriginSecrets } from '../../functions/src/data/origin-secrets.js';
import { ORIGIN_HEADER } from '../../functions/src/middleware/origin-guard.js';
import { clientOf, currentKeys, localKeyring, mac128, type ClientKeyring } from '../../functions/src/throttle/index.js';
import { forwardedClientFor } from '../../web/src/lib/server/forwarded-client.js';
import { VIEWER_ADDRESS_HEADER } from './lambda-http.js';
import { createWebHandler, fetchWithOriginHeader, type SvelteKitServer, type ViewerPlatform, type WebHandlerOptions } from './web-handler.js';

/**
 * The SvelteKit server in Lambda (decision 0014): it refuses whatever did not come through
 * CloudFront, and forwards the viewer's client (computed from the address CloudFront wrote) only on
 * a request that carried the origin secret, so that a caller around CloudFront cannot choose it.
 */
const SECRET = randomBytes(32).toString('base64url');
const ROOT = randomBytes(32);
const NOW = new Date('2026-12-06T03:00:00Z');
const VIEWER = '198.51.100.23';

function event(method: 'GET' | 'POST', rawPath: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { host: 'abc.execute-api.cn-north-1.amazonaws.com.cn', 'x-manyi-viewer-host': 'rate.example.gov.cn', ...headers },
    isBase64Encoded: false,
    requestContext: {
      accountId: '1',
      apiId: 'abc',
      domainName: 'abc.execute-api.cn-north-1.amazonaws.com.cn',
      domainPrefix: 'abc',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '130.176.0.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    ...(method === 'POST' ? { body: 'level=5' } : {}),
  };
}

const calls: { request: Request; platform: ViewerPlatform | undefined; address: string }[] = [];
const server: SvelteKitServer = {
  async respond(request, options) {
    calls.push({ request, platform: options.platform, address: options.getClientAddress() });
    return new Response('page', { headers: { 'content-type': 'text/html; charset=utf-8' } });
  },
};

let prerenderedDir: string;
beforeAll(() => {
  prerenderedDir = mkdtempSync(path.join(os.tmpdir(), 'manyi-web-handler-'));
  mkdirSync(prerenderedDir, { recursive: true });
  writeFileSync(path.join(prerenderedDir, 'about.html'), '<h1>about</h1>');
});
afterAll(() => rmSync(prerenderedDir, { recursive: true, force: true }));
beforeEach(() => {
  calls.length = 0;
});

const keyring = localKeyring(ROOT);
const handler = (overrides: Partial<WebHandlerOptions> = {}) =>
  createWebHandler({ server, ready: Promise.resolve(), prerenderedDir, originSecrets: staticOriginSecrets([SECRET]), keyring, now: () => NOW, ...overrides });
const verified = { [ORIGIN_HEADER]: SECRET };

describe('with the origin secret configured (AWS)', () => {
  it('answers 403 to a request without the origin header or with a wrong one, prerendered pages included, and never calls SvelteKit', async () => {
    for (const headers of [{}, { [ORIGIN_HEADER]: 'wrong' }, { [ORIGIN_HEADER]: '' }, { [ORIGIN_HEADER]: SECRET.slice(0, -1) }] as Record<string, string>[]) {
      for (const [method, where] of [['GET', '/w/W001'], ['POST', '/w/W001'], ['GET', '/about']] as const) {
        const result = await handler()(event(method, where, { ...headers, [VIEWER_ADDRESS_HEADER]: VIEWER }));
        expect(result.statusCode, `${method} ${where} ${JSON.stringify(headers)}`).toBe(403);
        expect(result.body).not.toContain('about');
      }
    }
    expect(calls).toEqual([]);
  });

  it('serves a request with the right value, and passes neither the secret nor the address on to SvelteKit', async () => {
    const result = await handler()(event('GET', '/w/W001', { ...verified, [VIEWER_ADDRESS_HEADER]: VIEWER, accept: 'text/html' }));
    expect(result.statusCode).toBe(200);
    const [{ request, address }] = calls as [(typeof calls)[number]];
    expect(request.headers.get(ORIGIN_HEADER)).toBeNull();
    expect(request.headers.get(VIEWER_ADDRESS_HEADER)).toBeNull();
    expect(request.headers.get('accept')).toBe('text/html');
    expect(address).toBe('130.176.0.1');
    expect((await handler()(event('GET', '/about', verified))).body).toContain('about');
  });

  it("forwards on a form post the viewer's client, which the API believes (forwarded-only) as the viewer's keyed address", async () => {
    await handler()(event('POST', '/w/W001', { ...verified, [VIEWER_ADDRESS_HEADER]: VIEWER }));
    const platform = calls[0]!.platform!;
    const header = forwardedClientFor({ getClientAddress: () => '130.176.0.1', platform }, null);
    expect(header).toBeDefined();
    expect(header).not.toContain(VIEWER);
    // What the API does with it (functions/src/throttle/client.ts), with the day keys it derives itself.
    const keys = await currentKeys(keyring, NOW);
    const apiEvent = { headers: { [CLIENT_HEADER]: header }, requestContext: { http: { sourceIp: '203.0.113.1' } } } as never;
    expect(clientOf(apiEvent, keys, 'forwarded-only')).toBe(clientHash(mac128, keys[0], VIEWER));
  });

  it('forwards no client on a page view, without an address, or with something that is not an address', async () => {
    await handler()(event('GET', '/w/W001', { ...verified, [VIEWER_ADDRESS_HEADER]: VIEWER }));
    await handler()(event('POST', '/w/W001', verified));
    await handler()(event('POST', '/w/W001', { ...verified, [VIEWER_ADDRESS_HEADER]: 'not-an-address' }));
    expect(calls.map((call) => call.platform)).toEqual([
      { viewer: { forwardedClient: undefined } },
      { viewer: { forwardedClient: undefined } },
      { viewer: { forwardedClient: undefined } },
    ]);
  });

  it('still serves the post without a client when the day key cannot be had, and logs no address', async () => {
    const warn = vi.fn<(message: string) => void>();
    const failing: ClientKeyring = { dayKey: () => Promise.reject(Object.assign(new Error(`cannot for ${VIEWER}`), { name: 'KMSInternalException' })) };
    const result = await handler({ keyring: failing, warn })(event('POST', '/w/W001', { ...verified, [VIEWER_ADDRESS_HEADER]: VIEWER }));
    expect(result.statusCode).toBe(200);
    expect(calls[0]!.platform).toEqual({ viewer: { forwardedClient: undefined } });
    expect(warn).toHaveBeenCalledWith('[web] forwarded client unavailable (KMSInternalException)');
    expect(JSON.stringify(warn.mock.calls)).not.toContain(VIEWER);
  });
});

describe('without an origin secret', () => {
  it('serves every request, and believes no address: a caller could have written it', async () => {
    const result = await handler({ originSecrets: undefined })(event('POST', '/w/W001', { [VIEWER_ADDRESS_HEADER]: VIEWER }));
    expect(result.statusCode).toBe(200);
    expect(calls[0]!.platform).toEqual({ viewer: { forwardedClient: undefined } });
    expect(calls[0]!.request.headers.get(VIEWER_ADDRESS_HEADER)).toBeNull();
    // Nor does the app fall back to the connection's address (an edge server's) behind this adapter.
    expect(forwardedClientFor({ getClientAddress: () => '130.176.0.1', platform: calls[0]!.platform }, ROOT)).toBeUndefined();
  });
});

describe('forwardedClientFor (web/src/lib/server/forwarded-client.ts)', () => {
  it("locally (adapter-node, no viewer from the platform) computes the client from the connection's address with CLIENT_KEY", async () => {
    const header = forwardedClientFor({ getClientAddress: () => VIEWER }, ROOT, NOW);
    const keys = await currentKeys(keyring, NOW);
    const apiEvent = { headers: { [CLIENT_HEADER]: header }, requestContext: { http: { sourceIp: '127.0.0.1' } } } as never;
    expect(clientOf(apiEvent, keys, 'source-ip')).toBe(clientHash(mac128, keys[0], VIEWER));
  });

  it('forwards nothing locally without CLIENT_KEY', () => {
    expect(forwardedClientFor({ getClientAddress: () => VIEWER }, null, NOW)).toBeUndefined();
  });

  it("takes the adapter's client as it is when the adapter gives one", () => {
    expect(forwardedClientFor({ getClientAddress: () => VIEWER, platform: { viewer: { forwardedClient: 'abc.def' } } }, ROOT, NOW)).toBe('abc.def');
  });
});

describe('fetchWithOriginHeader', () => {
  const base = vi.fn<typeof fetch>(async () => new Response('{}'));
  const wrapped = fetchWithOriginHeader(base, 'https://api123.execute-api.cn-north-1.amazonaws.com.cn', staticOriginSecrets([SECRET, 'previous-value']));
  beforeEach(() => base.mockClear());
  const sentHeaders = () => new Headers(base.mock.calls[0]![1]?.headers);

  it('adds the current origin secret to calls to the API, keeping their own headers', async () => {
    await wrapped('https://api123.execute-api.cn-north-1.amazonaws.com.cn/api/public/ratings', { method: 'POST', headers: { 'idempotency-key': 'k1' }, body: '{}' });
    expect(sentHeaders().get(ORIGIN_HEADER)).toBe(SECRET);
    expect(sentHeaders().get('idempotency-key')).toBe('k1');
    expect(base.mock.calls[0]![1]?.method).toBe('POST');
  });

  it('keeps the headers of a Request given without init', async () => {
    await wrapped(new Request('https://api123.execute-api.cn-north-1.amazonaws.com.cn/api/health', { headers: { accept: 'application/json' } }));
    expect(sentHeaders().get(ORIGIN_HEADER)).toBe(SECRET);
    expect(sentHeaders().get('accept')).toBe('application/json');
  });

  it('sends the secret nowhere else', async () => {
    await wrapped('https://elsewhere.example/api/health', { headers: { accept: 'text/plain' } });
    await wrapped('http://api123.execute-api.cn-north-1.amazonaws.com.cn/api/health');
    for (const [, init] of base.mock.calls) expect(new Headers(init?.headers).get(ORIGIN_HEADER)).toBeNull();
  });
});
