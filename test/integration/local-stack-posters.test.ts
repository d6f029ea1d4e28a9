import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/ports.js';
import { localBaseUrl, startLocalStack, type LocalStack } from '../../infra/local/stack.js';
import { withDemoCode } from '../support/demo-totp.js';

/**
 * Issue 12: posters of the local stack point at the URL it serves and `npm start` prints, on the
 * port it was given (PORT), not at http://localhost:3000 whatever the port; an explicit
 * PUBLIC_BASE_URL wins.
 */

// jsqr is CommonJS with a default export; under NodeNext types it arrives wrapped once.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

let stack: LocalStack | undefined;
const configured = process.env.PUBLIC_BASE_URL;

beforeAll(() => {
  process.env.MANYI_QUIET = '1';
  delete process.env.PUBLIC_BASE_URL;
});
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});
afterAll(() => {
  if (configured === undefined) delete process.env.PUBLIC_BASE_URL;
  else process.env.PUBLIC_BASE_URL = configured;
});

async function adminToken(url: string): Promise<string> {
  const post = async (path: string, body: unknown) =>
    (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, any>>;
  const password = await post('/api/auth/login', { username: 'admin', password: 'Manyi-demo-2026' });
  const login = await withDemoCode(url, 'admin', (code) => post('/api/auth/login/totp', { challenge: password.challenge, code }));
  return login.token as string;
}

/** A demo window's code, the link its poster encodes and what its PNG QR decodes to. */
async function posterOfFirstWindow(url: string): Promise<{ code: string; link: string; qr: string | undefined }> {
  const token = await adminToken(url);
  const headers = { authorization: `Bearer ${token}` };
  const { windows } = (await (await fetch(`${url}/api/windows`, { headers })).json()) as { windows: { code: string }[] };
  const code = windows[0]!.code;
  const link = await (await fetch(`${url}/api/admin/windows/${code}/poster?format=url`, { headers })).text();
  const png = PNG.sync.read(Buffer.from(await (await fetch(`${url}/api/admin/windows/${code}/poster?format=png`, { headers })).arrayBuffer()));
  return { code, link, qr: jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data };
}

describe('the local stack’s posters', () => {
  it('encode the URL it serves on the port it was given (PORT)', async () => {
    const port = await freePort();
    stack = await startLocalStack({ port, web: false });
    const { code, link, qr } = await posterOfFirstWindow(stack.url);
    expect(link).toBe(`http://localhost:${port}/w/${code}`);
    expect(link.startsWith(localBaseUrl(port))).toBe(true);
    expect(qr).toBe(link);
    if (port !== 3000) expect(link).not.toContain('localhost:3000');
  });

  it('encode PUBLIC_BASE_URL instead when it is set explicitly', async () => {
    process.env.PUBLIC_BASE_URL = 'https://rate.example.gov.cn';
    stack = await startLocalStack({ port: await freePort(), web: false });
    const { code, link, qr } = await posterOfFirstWindow(stack.url);
    expect(link).toBe(`https://rate.example.gov.cn/w/${code}`);
    expect(qr).toBe(link);
  });
});
