import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Server } from 'manyi-sveltekit-server/index.js';
import { manifest } from 'manyi-sveltekit-server/manifest.js';
import { contentTypeOf, findPrerendered, toRequest, toResult } from './lambda-http.js';

/**
 * The SvelteKit server in Lambda, behind API Gateway and CloudFront. It imports SvelteKit's own
 * server build (`Server` and `manifest`, the two things adapter-node wraps in its Node handler),
 * because adapter-node's bundled output exports them only from hashed chunks under mangled names.
 * Static assets are served from S3 by CloudFront and never reach this function; prerendered pages
 * are copied next to this bundle (see the web stack) and served from here.
 *
 * Not supported here: `read` from `$app/server` (client assets are in S3, not in the bundle).
 */
const server = new Server(manifest);
const ready = server.init({ env: process.env as Record<string, string> });
const PRERENDERED_DIR = fileURLToPath(new URL('./prerendered/', import.meta.url));

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  await ready;
  const method = event.requestContext.http.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') {
    const file = findPrerendered(PRERENDERED_DIR, event.rawPath);
    if (file) {
      const body = readFileSync(file);
      return toResult(new Response(body, { headers: { 'content-type': contentTypeOf(file) } }), method);
    }
  }
  const request = toRequest(event, { origin: process.env.ORIGIN });
  const response = await server.respond(request, {
    // Behind CloudFront this is an edge address, never the resident's: the app must not use or
    // store client addresses (ARCHITECTURE.md, invariant 3).
    getClientAddress: () => event.requestContext.http.sourceIp,
  });
  return toResult(response, method);
}
