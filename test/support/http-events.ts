import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An API Gateway v2 event as the local gateway (and API Gateway) would deliver it. */
export function httpEvent(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: string; headers?: Record<string, string>; query?: Record<string, string>; isBase64Encoded?: boolean } = {},
): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString,
    headers,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: '127.0.0.1',
      domainPrefix: 'test',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
      requestId: 'test',
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

export const jsonHeaders = { 'content-type': 'application/json' };
