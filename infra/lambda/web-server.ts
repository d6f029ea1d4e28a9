import { fileURLToPath } from 'node:url';
import { Server } from 'manyi-sveltekit-server/index.js';
import { manifest } from 'manyi-sveltekit-server/manifest.js';
import { createKmsKeyring } from '../../functions/src/data/kms-keyring.js';
import { configuredOriginSecrets } from '../../functions/src/middleware/origin-guard.js';
import { createWebHandler, fetchWithOriginHeader } from './web-handler.js';

/**
 * The SvelteKit server in Lambda, behind API Gateway and CloudFront. It imports SvelteKit's own
 * server build (`Server` and `manifest`, the two things adapter-node wraps in its Node handler),
 * because adapter-node's bundled output exports them only from hashed chunks under mangled names.
 * Static assets are served from S3 by CloudFront and never reach this function; prerendered pages
 * are copied next to this bundle (see the web stack) and served from here.
 *
 * In AWS the web stack sets ORIGIN_SECRET_ARN (requests without the origin secret are refused, and
 * calls to the API carry it) and CLIENT_KMS_KEY_ID (the day keys of the forwarded client, derived
 * by KMS GenerateMac exactly as the API derives them): web-handler.ts, decision 0014.
 *
 * Not supported here: `read` from `$app/server` (client assets are in S3, not in the bundle).
 */
const originSecrets = configuredOriginSecrets();
if (originSecrets && process.env.API_BASE_URL) {
  globalThis.fetch = fetchWithOriginHeader(globalThis.fetch.bind(globalThis), process.env.API_BASE_URL, originSecrets);
}
const server = new Server(manifest);

export const handler = createWebHandler({
  server,
  ready: server.init({ env: process.env as Record<string, string> }),
  prerenderedDir: fileURLToPath(new URL('./prerendered/', import.meta.url)),
  origin: process.env.ORIGIN,
  originSecrets,
  keyring: process.env.CLIENT_KMS_KEY_ID ? createKmsKeyring(process.env.CLIENT_KMS_KEY_ID, process.env.AWS_REGION ?? 'cn-north-1') : undefined,
});
