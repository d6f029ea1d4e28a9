import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { routes, type Route } from '../../functions/src/routes.js';

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0): it matches the same route
 * table the CDK stack deploys, builds the same event shape and calls the same handler modules.
 */
type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway HTTP API refuses payloads over 10 MB (a Lambda invocation is further capped at 6 MB). */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;
/** How much of an oversized body is read and dropped so that its sender sees the 413. */
const GATEWAY_DRAIN_BYTES = 64 * 1024 * 1024;

/** An error answer in the API's usual shape (`error.code`, `error.issues[].field`). */
function errorResult(statusCode: number, code: string, field: string, message: string): APIGatewayProxyStructuredResultV2 {
  const text = `${field}: ${message}`;
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({ error: { code, message: text, issues: [{ field, message: text }] } }),
  };
}

async function drain(req: IncomingMessage, bound: number): Promise<void> {
  let read = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    read += chunk.length;
    if (read > bound) return;
  }
}
const handlersRoot = fileURLToPath(new URL('../../functions/src/handlers/', import.meta.url));
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a, b) => {
    names.push(a ?? b);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export interface Gateway {
  /** Returns an API Gateway v2 result for a request, or undefined for paths outside /api. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Invoke a route directly with an event (tests use this to skip the socket). */
  invoke(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined;
}

export function createGateway(options: { onResult?: (route: Route | undefined, status: number, ms: number) => void } = {}): Gateway {
  const compiled = routes.map(compile);
  const loaded = new Map<string, Promise<LambdaHandler>>();

  function load(route: Route): Promise<LambdaHandler> {
    let handler = loaded.get(route.handler);
    if (!handler) {
      handler = import(`${handlersRoot}${route.handler}.ts`).then((module: { handler: LambdaHandler }) => module.handler);
      loaded.set(route.handler, handler);
    }
    return handler;
  }

  function match(method: string, path: string) {
    for (const { route, pattern, names } of compiled) {
      if (route.method !== method) continue;
      const found = pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1] ?? '');
      });
      return { route, params };
    }
    return undefined;
  }

  /** The route of a request, or a 400 naming `path` for a malformed percent-encoding (e.g. `/api/public/windows/%`). */
  function route(method: string, path: string): ReturnType<typeof match> | APIGatewayProxyStructuredResultV2 {
    try {
      return match(method, path);
    } catch (error) {
      if (error instanceof URIError) return errorResult(400, 'VALIDATION_FAILED', 'path', 'is not valid percent-encoding');
      throw error;
    }
  }

  async function invoke(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const found = route(event.requestContext.http.method, event.rawPath);
    if (!found) return { statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Not Found"}' };
    if (!('route' in found)) return found;
    const handler = await load(found.route);
    const context = lambdaContext(found.route);
    return handler({ ...event, routeKey: `${found.route.method} ${found.route.path}`, pathParameters: found.params }, context);
  }

  return {
    match,
    invoke,
    async handle(req, res) {
      const started = performance.now();
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > GATEWAY_MAX_BYTES) {
          const result = errorResult(413, 'PAYLOAD_TOO_LARGE', 'body', `must be at most ${GATEWAY_MAX_BYTES} bytes`);
          res.writeHead(413, { ...(result.headers as Record<string, string>), connection: 'close' }).end(result.body);
          // Leaving the loop would destroy the request, and the client, still sending, would see a
          // reset instead of this answer: read the rest and drop it (up to a bound), then close.
          await drain(req, GATEWAY_DRAIN_BYTES - size);
          req.destroy();
          return;
        }
        chunks.push(chunk);
      }
      const bytes = Buffer.concat(chunks);
      let body: string | undefined;
      let isBase64Encoded = false;
      if (bytes.length > 0) {
        try {
          body = strictUtf8.decode(bytes);
        } catch {
          body = bytes.toString('base64');
          isBase64Encoded = true;
        }
      }
      const event = buildEvent(req, url, body, isBase64Encoded);
      let result: APIGatewayProxyStructuredResultV2;
      try {
        result = await invoke(event);
      } catch {
        // A handler that throws past its own error middleware is what API Gateway reports as 500.
        result = { statusCode: 500, body: '{"message":"Internal Server Error"}', headers: { 'content-type': 'application/json' } };
      }
      const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
      if (result.cookies?.length) headers['set-cookie'] = result.cookies;
      const payload = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
      res.writeHead(result.statusCode ?? 200, headers).end(payload);
      const routed = route(event.requestContext.http.method, event.rawPath);
      options.onResult?.(routed && 'route' in routed ? routed.route : undefined, result.statusCode ?? 200, performance.now() - started);
    },
  };
}

function buildEvent(req: IncomingMessage, url: URL, body: string | undefined, isBase64Encoded: boolean): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const method = req.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: '127.0.0.1', userAgent: '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  };
}

function lambdaContext(route: Route): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${route.operationId}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:local-${route.operationId}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/local-${route.operationId}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
