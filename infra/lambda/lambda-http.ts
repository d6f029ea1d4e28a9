import { statSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Converting between API Gateway HTTP API (payload 2.0) events and web-standard Request /
 * Response, for the SvelteKit server in Lambda. Function URL events have the same shape.
 */

/**
 * The host the viewer asked CloudFront for. CloudFront must send the origin's own Host to API
 * Gateway, so a viewer-request function copies the viewer's Host here (overwriting anything the
 * viewer sent). SvelteKit needs the public origin to check the Origin of form POSTs (CSRF).
 */
export const VIEWER_HOST_HEADER = 'x-manyi-viewer-host';

/**
 * The viewer's IP address, written by the same function (`event.viewer.ip`, overwriting anything
 * the viewer sent). API Gateway's source address is an edge server's. Believed only on a request
 * that carried the origin secret (web-handler.ts), used only to compute the keyed client, and
 * never passed on to SvelteKit, stored or logged.
 */
export const VIEWER_ADDRESS_HEADER = 'x-manyi-viewer-address';

export interface ToRequestOptions {
  /** Fixed public origin (`https://rate.example.gov.cn`); wins over any header when set. */
  origin?: string | undefined;
}

export function toRequest(event: APIGatewayProxyEventV2, options: ToRequestOptions = {}): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers.set(name, value);
  }
  // Payload 2.0 moves Cookie headers into `cookies`.
  if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));

  const host = event.headers?.[VIEWER_HOST_HEADER] ?? event.headers?.host ?? event.requestContext.domainName;
  const origin = (options.origin ?? `https://${host}`).replace(/\/+$/, '');
  // Concatenated, not `new URL(path, base)`: a path like `//evil.example/x` must stay a path.
  const url = `${origin}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;

  const method = event.requestContext.http.method.toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD' && event.body !== undefined && event.body !== '';
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: Buffer.from(event.body!, event.isBase64Encoded ? 'base64' : 'utf8') } : {}),
  });
}

const TEXT_TYPE = /^(text\/|application\/(json|javascript|ecmascript|xml|x-www-form-urlencoded|[\w.+-]+\+(json|xml))|image\/svg\+xml)/i;

/** Text bodies travel as UTF-8; everything else (images, fonts, compressed bodies) as base64. */
export function isTextBody(contentType: string | undefined, contentEncoding: string | undefined): boolean {
  if (contentEncoding && contentEncoding !== 'identity') return false;
  return contentType !== undefined && TEXT_TYPE.test(contentType);
}

export async function toResult(response: Response, method: string): Promise<APIGatewayProxyStructuredResultV2> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  // Each Set-Cookie must stay its own header; folding them with commas breaks `Expires=` dates.
  const cookies = response.headers.getSetCookie();
  const bytes = method.toUpperCase() === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await response.arrayBuffer());
  const text = bytes.length === 0 || isTextBody(headers['content-type'], headers['content-encoding']);
  return {
    statusCode: response.status,
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    body: text ? bytes.toString('utf8') : bytes.toString('base64'),
    isBase64Encoded: !text,
  };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The prerendered file for a pathname, as adapter-node lays them out (`/about` → `about.html`,
 * or `about/index.html` with trailingSlash: 'always'; `/` → `index.html`), or undefined.
 * Never escapes `dir`.
 */
export function findPrerendered(dir: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split('/').includes('..')) return undefined;
  const base = decoded.replace(/\/+$/, '');
  const candidates = base === '' ? ['index.html'] : [base, `${base}.html`, `${base}/index.html`];
  const root = path.resolve(dir);
  for (const candidate of candidates) {
    const file = path.resolve(root, `.${path.posix.join('/', candidate)}`);
    if (!file.startsWith(root + path.sep)) continue;
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not there: try the next layout
    }
  }
  return undefined;
}
