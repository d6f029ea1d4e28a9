import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPrerendered, isTextBody, toRequest, toResult, VIEWER_HOST_HEADER } from './lambda-http.js';

function event(overrides: Partial<APIGatewayProxyEventV2> & { method?: string } = {}): APIGatewayProxyEventV2 {
  const { method = 'GET', ...rest } = overrides;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/rate/W001',
    rawQueryString: 'lang=zh&x=1',
    headers: { host: 'abc.execute-api.cn-north-1.amazonaws.com.cn', [VIEWER_HOST_HEADER]: 'rate.example.gov.cn', accept: 'text/html' },
    isBase64Encoded: false,
    requestContext: {
      accountId: '1',
      apiId: 'abc',
      domainName: 'abc.execute-api.cn-north-1.amazonaws.com.cn',
      domainPrefix: 'abc',
      http: { method, path: '/rate/W001', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    ...rest,
  };
}

describe('toRequest', () => {
  it('rebuilds the public URL from the viewer host CloudFront passed on', () => {
    const request = toRequest(event());
    expect(request.url).toBe('https://rate.example.gov.cn/rate/W001?lang=zh&x=1');
    expect(request.method).toBe('GET');
    expect(request.headers.get('accept')).toBe('text/html');
  });

  it('prefers a configured origin over any header', () => {
    expect(toRequest(event(), { origin: 'https://manyi.example/' }).url).toBe('https://manyi.example/rate/W001?lang=zh&x=1');
  });

  it('keeps a path starting with // a path, never a host', () => {
    const request = toRequest(event({ rawPath: '//evil.example/x', rawQueryString: '' }));
    expect(new URL(request.url).host).toBe('rate.example.gov.cn');
  });

  it('joins the cookies of payload 2.0 back into one Cookie header', () => {
    expect(toRequest(event({ cookies: ['session=a', 'lang=zh'] })).headers.get('cookie')).toBe('session=a; lang=zh');
  });

  it('decodes a base64 form body', async () => {
    const body = 'level=5&comment=%E5%BE%88%E5%A5%BD';
    const request = toRequest(event({ method: 'POST', body: Buffer.from(body).toString('base64'), isBase64Encoded: true }));
    expect(await request.text()).toBe(body);
  });
});

describe('toResult', () => {
  it('keeps each Set-Cookie separate and the body as text', async () => {
    const headers = new Headers({ 'content-type': 'text/html; charset=utf-8' });
    headers.append('set-cookie', 'a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly');
    headers.append('set-cookie', 'b=2; Path=/');
    const result = await toResult(new Response('<p>好</p>', { status: 201, headers }), 'GET');
    expect(result).toMatchObject({ statusCode: 201, body: '<p>好</p>', isBase64Encoded: false });
    expect(result.cookies).toEqual(['a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly', 'b=2; Path=/']);
    expect(result.headers).not.toHaveProperty('set-cookie');
  });

  it('sends binary bodies as base64', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    const result = await toResult(new Response(bytes, { headers: { 'content-type': 'image/png' } }), 'GET');
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body!, 'base64')).toEqual(bytes);
  });

  it('sends no body for HEAD', async () => {
    const result = await toResult(new Response('hello', { headers: { 'content-type': 'text/plain' } }), 'HEAD');
    expect(result.body).toBe('');
  });
});

describe('isTextBody', () => {
  it.each([
    ['text/html; charset=utf-8', undefined, true],
    ['application/json', undefined, true],
    ['application/problem+json', undefined, true],
    ['image/svg+xml', undefined, true],
    ['application/pdf', undefined, false],
    ['text/html', 'br', false],
    [undefined, undefined, false],
  ])('%s (%s) → %s', (type, encoding, expected) => {
    expect(isTextBody(type, encoding)).toBe(expected);
  });
});

describe('findPrerendered', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'manyi-prerendered-'));
    mkdirSync(path.join(dir, 'guide'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), 'home');
    writeFileSync(path.join(dir, 'about.html'), 'about');
    writeFileSync(path.join(dir, 'guide', 'index.html'), 'guide');
    writeFileSync(path.join(dir, '..', `${path.basename(dir)}-secret.html`), 'secret');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.join(dir, '..', `${path.basename(dir)}-secret.html`), { force: true });
  });

  it('finds pages the way adapter-node lays them out', () => {
    expect(findPrerendered(dir, '/')).toBe(path.join(dir, 'index.html'));
    expect(findPrerendered(dir, '/about')).toBe(path.join(dir, 'about.html'));
    expect(findPrerendered(dir, '/guide/')).toBe(path.join(dir, 'guide', 'index.html'));
    expect(findPrerendered(dir, '/rate/W001')).toBeUndefined();
  });

  it('never leaves its directory', () => {
    expect(findPrerendered(dir, `/../${path.basename(dir)}-secret`)).toBeUndefined();
    expect(findPrerendered(dir, `/%2e%2e/${path.basename(dir)}-secret`)).toBeUndefined();
    expect(findPrerendered(dir, '/%E0%A4%A')).toBeUndefined();
  });
});
