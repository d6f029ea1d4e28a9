import { clientHash, DEVICE_HEADER, DEVICE_ID_PATTERN, CLIENT_HEADER, verifiedForwardedClient } from '#shared/domain/client-key.js';
import { mac128 } from './mac.js';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Who is asking, as a keyed hash: the client the web server forwarded with a valid proof, or else
 * the address the request came from. Neither the address nor the header is kept anywhere.
 */
export function clientOf(
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext'>,
  keys: readonly [Buffer, ...Buffer[]],
  from: 'source-ip' | 'forwarded-only' = 'source-ip',
): string | undefined {
  const forwarded = verifiedForwardedClient(mac128, keys, event.headers?.[CLIENT_HEADER]);
  if (forwarded || from === 'forwarded-only') return forwarded;
  return clientHash(mac128, keys[0], event.requestContext.http.sourceIp);
}

/** The device id the web server forwarded from its first-party cookie, if well formed. */
export function deviceOf(event: Pick<APIGatewayProxyEventV2, 'headers'>): string | undefined {
  const value = event.headers?.[DEVICE_HEADER];
  return value && DEVICE_ID_PATTERN.test(value) ? value : undefined;
}
