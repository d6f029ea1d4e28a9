import { createHash, timingSafeEqual } from 'node:crypto';
import type middy from '@middy/core';
import { originConfig, type OriginConfig } from '../config.js';
import { secretsManagerOriginSecrets, staticOriginSecrets, type OriginSecrets } from '../data/origin-secrets.js';
import { ForbiddenError } from '../errors.js';
import type { Context, HttpEvent, HttpResult } from './http.js';

/**
 * The header CloudFront adds to every request it sends to the API and to the web server, with a
 * secret value (decision 0014). In AWS both refuse a request without it, so nobody reaches them
 * around CloudFront and its web ACL; the web server sends it too when it calls the API directly.
 */
export const ORIGIN_HEADER = 'x-manyi-origin-verify';

/** Whether `presented` is one of `accepted`, in time independent of where they differ. */
export function originVerified(presented: string | undefined, accepted: readonly string[]): boolean {
  if (!presented) return false;
  // Digests first: timingSafeEqual needs equal lengths, and a digest tells nothing of the length.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const given = digest(presented);
  return accepted.reduce((found, value) => timingSafeEqual(given, digest(value)) || found, false);
}

let built: { settings: OriginConfig; secrets: OriginSecrets | undefined } | undefined;

/** The accepted values as configured (config.ts originConfig), or undefined where nothing is checked (local mode). */
export function configuredOriginSecrets(): OriginSecrets | undefined {
  const settings = originConfig();
  if (built?.settings !== settings) {
    const secrets = settings.ORIGIN_SECRET_ARN
      ? secretsManagerOriginSecrets(settings.ORIGIN_SECRET_ARN, { region: settings.AWS_REGION })
      : settings.ORIGIN_SECRET
        ? staticOriginSecrets([settings.ORIGIN_SECRET])
        : undefined;
    built = { settings, secrets };
  }
  return built.secrets;
}

const REFUSED = `${ORIGIN_HEADER}: this API answers only through the site's CloudFront distribution`;

/**
 * Refuses (403 FORBIDDEN, naming the header) a request that does not carry the origin secret, before
 * any token is verified or body parsed; does nothing when no secret is configured. The header is
 * removed from the event, so no handler ever sees the value.
 */
export function originGuard(
  secrets: () => OriginSecrets | undefined = configuredOriginSecrets,
): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: async (request) => {
      const accepted = secrets();
      if (!accepted) return;
      const headers = request.event.headers ?? {};
      const presented = headers[ORIGIN_HEADER];
      delete headers[ORIGIN_HEADER];
      if (!originVerified(presented, await accepted())) {
        throw new ForbiddenError(REFUSED, { issues: [{ field: ORIGIN_HEADER, message: REFUSED }] });
      }
    },
  };
}
