import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../infra/local/gateway.js';

/**
 * The local gateway on a real socket, at the edges no handler sees: a path that is not valid
 * percent-encoding, and a body over the gateway's 10 MB. Both answer in the API's usual error
 * shape (`error.issues[].field`), never 500 and never a reset connection.
 */
let server: Server;
let port: number;

beforeAll(async () => {
  const gateway = createGateway();
  server = createServer((req, res) => void gateway.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(method: string, path: string, body?: Buffer): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('local gateway edges', () => {
  it.each(['/api/public/windows/%', '/api/public/windows/%E4%B8', '/api/public/windows/abc%zz/staff/x/photo'])('answers a malformed percent-encoding (%s) with 400 naming path', async (path) => {
    const reply = await send('GET', path);
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues.map((issue: { field: string }) => issue.field)).toEqual(['path']);
  });

  it('answers a body over 10 MB with 413 naming body, every time, without resetting the connection', async () => {
    const body = Buffer.alloc(11 * 1024 * 1024, 0x20);
    for (let attempt = 0; attempt < 5; attempt++) {
      const reply = await send('POST', '/api/public/ratings', body);
      expect(reply.status).toBe(413);
      expect(reply.json.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', issues: [{ field: 'body' }] });
    }
  });
});
