import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { repoRoot, webBuildDir } from '../../infra/local/stack.js';
import { startServerProcess } from './server-process.js';
import { loginToken } from '../support/api-client.js';

/**
 * The resident page (/w/{code}, what a QR code opens): gzipped JavaScript it references, HTML
 * size, and whether its form works with no JavaScript at all. Served by the real local stack
 * (SvelteKit build behind the same server as the API) with the demo county seeded.
 */
export const JS_MAX_GZIP_BYTES = 35 * 1024;
export const HTML_MAX_BYTES = 15 * 1024;

export interface AssetSize {
  url: string;
  /** How the page reaches it: script src, modulepreload, inline import(), or a static import of another chunk. */
  via: string;
  raw: number;
  gzip: number;
}

export interface ResidentPageResult {
  measured: boolean;
  /** Why not, when not measured. */
  reason?: string;
  build?: { action: 'existing' | 'built' | 'rebuilt'; ms?: number };
  url?: string;
  status?: number;
  html?: { raw: number; gzip: number };
  /** Every JS file the HTML references (script src, modulepreload, import() in inline scripts). */
  js?: AssetSize[];
  jsGzipTotal?: number;
  jsRawTotal?: number;
  /** Static imports of those chunks that the HTML does not list (loaded as well, so counted). */
  jsUnlisted?: AssetSize[];
  css?: { count: number; gzip: number };
  noJs?: { form: boolean; method?: string; action?: string; postStatus?: number; followStatus?: number; works: boolean; detail: string };
  pass?: { js: boolean; html: boolean; noJs: boolean };
}

const gzip = (data: Buffer) => gzipSync(data, { level: 9 }).length;

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Use web/build as it is when it is up to date; otherwise build it the way `npm start` does.
 * BENCH_WEB_BUILD=never measures whatever is there, =always rebuilds.
 */
function ensureWebBuild(log: (line: string) => void): { ok: true; action: 'existing' | 'built' | 'rebuilt'; ms?: number } | { ok: false; reason: string } {
  const handler = join(webBuildDir, 'handler.js');
  const mode = process.env.BENCH_WEB_BUILD ?? 'auto';
  const exists = existsSync(handler);
  const stale = exists && statSync(handler).mtimeMs < Math.max(newestMtime(join(repoRoot, 'web', 'src')), newestMtime(join(repoRoot, 'shared', 'src')));
  if (mode === 'never' || (mode === 'auto' && exists && !stale)) {
    return exists ? { ok: true, action: 'existing' } : { ok: false, reason: 'web/build/handler.js does not exist (BENCH_WEB_BUILD=never)' };
  }
  log(`${exists ? (stale ? 'web/build is older than web/src: rebuilding' : 'rebuilding') : 'web/build is missing: building'} (npx vite build web) …`);
  const started = Date.now();
  const result = spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'error'], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });
  const ms = Date.now() - started;
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    return { ok: false, reason: `the web build failed (npx vite build web, exit ${result.status ?? result.signal}):\n${output}` };
  }
  if (!existsSync(handler)) return { ok: false, reason: 'the web build finished but web/build/handler.js is missing' };
  return { ok: true, action: exists ? 'rebuilt' : 'built', ms };
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(1).find((v) => v !== undefined);

/** JS the HTML references: <script src>, <link rel=modulepreload href>, import("…") in inline scripts. */
export function referencedScripts(html: string): { href: string; via: string }[] {
  const found: { href: string; via: string }[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const src = attr(match[1]!, 'src');
    if (src) found.push({ href: src, via: 'script src' });
    else for (const imp of match[2]!.matchAll(/\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) found.push({ href: imp[1]!, via: 'inline import()' });
  }
  for (const match of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attr(match[0], 'rel')?.toLowerCase() ?? '';
    const href = attr(match[0], 'href');
    if (href && rel.split(/\s+/).includes('modulepreload')) found.push({ href, via: 'modulepreload' });
  }
  return found;
}

/** Static import specifiers of an ES module chunk (minified or not); dynamic import() is left out. */
function staticImports(code: string): string[] {
  const specs = new Set<string>();
  for (const m of code.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.m?js)["']/g)) specs.add(m[1]!);
  return [...specs];
}

export async function runResidentPage(options: { log: (line: string) => void }): Promise<ResidentPageResult> {
  const { log } = options;
  const build = ensureWebBuild(log);
  if (!build.ok) return { measured: false, reason: build.reason };

  log('starting the stack with the web build (in-memory DynamoDB Local, demo county seeded) …');
  let server;
  try {
    server = await startServerProcess({ web: true, seed: true, windows: 0 });
  } catch (error) {
    return { measured: false, reason: `the stack with the web build did not start: ${error instanceof Error ? error.message.split('\n').slice(0, 6).join('\n') : String(error)}` };
  }
  const base = server.ready.url;
  try {
    // Password and the demo admin's TOTP code (fixed demo secret), as a person trying the demo would.
    let token: string;
    try {
      token = await loginToken(String(base).replace(/\/$/, ''));
    } catch (error) {
      return { measured: false, reason: `the demo admin could not log in: ${error instanceof Error ? error.message : String(error)}` };
    }
    const list = await fetch(new URL('/api/windows', base), { headers: { authorization: `Bearer ${token}` } });
    if (list.status !== 200) return { measured: false, reason: `GET /api/windows answered ${list.status}` };
    const { windows } = (await list.json()) as { windows: { code: string }[] };
    const code = windows[0]?.code;
    if (!code) return { measured: false, reason: 'GET /api/windows returned no window' };

    const pageUrl = new URL(`/w/${code}`, base);
    const page = await fetch(pageUrl, { headers: { accept: 'text/html' } });
    const htmlBytes = Buffer.from(await page.arrayBuffer());
    if (page.status !== 200 || !(page.headers.get('content-type') ?? '').includes('text/html')) {
      return {
        measured: false,
        reason: `GET /w/${code} answered ${page.status} (${page.headers.get('content-type') ?? 'no content-type'}): the resident page route is not in this web build`,
        build: { action: build.action, ...(build.ms ? { ms: build.ms } : {}) },
      };
    }
    const html = htmlBytes.toString('utf8');

    const fetched = new Map<string, Buffer>();
    async function get(url: string): Promise<Buffer> {
      const cached = fetched.get(url);
      if (cached) return cached;
      const res = await fetch(url);
      if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
      const body = Buffer.from(await res.arrayBuffer());
      fetched.set(url, body);
      return body;
    }

    const js: AssetSize[] = [];
    const seen = new Set<string>();
    for (const ref of referencedScripts(html)) {
      const url = new URL(ref.href, pageUrl).href;
      if (seen.has(url)) continue;
      seen.add(url);
      const body = await get(url);
      js.push({ url: new URL(url).pathname, via: ref.via, raw: body.length, gzip: gzip(body) });
    }
    // Follow static imports: a chunk the HTML forgot to preload is still downloaded before it runs.
    const unlisted: AssetSize[] = [];
    const queue = [...seen];
    while (queue.length) {
      const url = queue.shift()!;
      for (const spec of staticImports((await get(url)).toString('utf8'))) {
        const next = new URL(spec, url).href;
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
        const body = await get(next);
        unlisted.push({ url: new URL(next).pathname, via: `static import of ${new URL(url).pathname.split('/').pop()}`, raw: body.length, gzip: gzip(body) });
      }
    }
    let cssGzip = 0;
    let cssCount = 0;
    for (const match of html.matchAll(/<link\b[^>]*>/gi)) {
      if ((attr(match[0], 'rel') ?? '').toLowerCase() !== 'stylesheet') continue;
      const href = attr(match[0], 'href');
      if (!href) continue;
      cssCount++;
      cssGzip += gzip(await get(new URL(href, pageUrl).href));
    }

    const noJs = await checkNoJs(html, pageUrl, base);
    const jsGzipTotal = [...js, ...unlisted].reduce((sum, a) => sum + a.gzip, 0);
    const jsRawTotal = [...js, ...unlisted].reduce((sum, a) => sum + a.raw, 0);
    const result: ResidentPageResult = {
      measured: true,
      build: { action: build.action, ...(build.ms ? { ms: build.ms } : {}) },
      url: `/w/${code}`,
      status: page.status,
      html: { raw: htmlBytes.length, gzip: gzip(htmlBytes) },
      js,
      jsGzipTotal,
      jsRawTotal,
      jsUnlisted: unlisted,
      css: { count: cssCount, gzip: cssGzip },
      noJs,
      pass: { js: jsGzipTotal <= JS_MAX_GZIP_BYTES, html: htmlBytes.length <= HTML_MAX_BYTES, noJs: noJs.works },
    };
    return result;
  } catch (error) {
    return { measured: false, reason: `resident page measurement failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await server.stop();
  }
}

/**
 * The no-JS path: the page must carry a real <form method="post"> whose submission works without
 * any script (a browser with JS off downloads no JS at all, so the JS cost of that path is 0).
 * We post the form's own fields (hidden values, the first option of each radio group, or "5" for
 * a rating scale) url-encoded, as a browser would, and follow one redirect.
 */
async function checkNoJs(html: string, pageUrl: URL, origin: string): Promise<NonNullable<ResidentPageResult['noJs']>> {
  const form = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].find((m) => (attr(m[1]!, 'method') ?? 'get').toLowerCase() === 'post');
  if (!form) return { form: false, works: false, detail: 'no <form method="post"> in the server-rendered HTML' };
  const action = new URL(attr(form[1]!, 'action') ?? '', pageUrl);
  const fields = new URLSearchParams();
  const radios = new Map<string, string[]>();
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(input[0], 'name');
    if (!name) continue;
    const type = (attr(input[0], 'type') ?? 'text').toLowerCase();
    const value = attr(input[0], 'value') ?? '';
    if (type === 'hidden') fields.append(name, value);
    else if (type === 'radio') radios.set(name, [...(radios.get(name) ?? []), value]);
  }
  for (const [name, values] of radios) fields.append(name, values.includes('5') ? '5' : values[0]!);
  for (const button of form[2]!.matchAll(/<button\b[^>]*>/gi)) {
    const name = attr(button[0], 'name');
    const value = attr(button[0], 'value');
    const type = (attr(button[0], 'type') ?? 'submit').toLowerCase();
    if (type === 'submit' && name && value !== undefined) {
      if (!fields.has(name)) fields.append(name, value);
      break;
    }
  }
  // node:http rather than fetch: fetch decides the Origin header itself; a browser sends the page's.
  const post = await rawPost(action, fields.toString(), { 'content-type': 'application/x-www-form-urlencoded', origin, accept: 'text/html' });
  const postBody = post.body;
  let followStatus: number | undefined;
  if (post.status >= 300 && post.status < 400 && post.location) {
    const next = await fetch(new URL(post.location, action), { headers: { accept: 'text/html' } });
    followStatus = next.status;
    await next.arrayBuffer();
  }
  const works = (post.status >= 200 && post.status < 300 && /text\/html/.test(post.contentType)) || (followStatus !== undefined && followStatus < 400);
  let diagnosis = '';
  if (post.status === 403 && /Cross-site/i.test(postBody)) {
    // SvelteKit's CSRF check compares Origin with the URL it believes it serves. adapter-node
    // assumes https unless ORIGIN (or PROTOCOL_HEADER) is set: find out whether that is the cause.
    const httpsOrigin = origin.replace(/^http:/, 'https:');
    const retry = await rawPost(action, fields.toString(), { 'content-type': 'application/x-www-form-urlencoded', origin: httpsOrigin, accept: 'text/html' });
    diagnosis =
      retry.status !== 403
        ? ` (the same post with Origin ${httpsOrigin} gets ${retry.status}: the server believes it is served over https, because adapter-node assumes https when ORIGIN is not set, so a browser's http://127.0.0.1 form post is refused as cross-site)`
        : ` (also refused with Origin ${httpsOrigin})`;
  }
  return {
    form: true,
    method: 'post',
    action: action.pathname + action.search,
    postStatus: post.status,
    ...(followStatus !== undefined ? { followStatus } : {}),
    works,
    detail: `posted ${[...fields.keys()].join(', ') || '(no fields)'} to ${action.pathname}${action.search} with Origin ${origin} → ${post.status}${followStatus !== undefined ? ` → ${followStatus}` : ''}${works ? '' : `: ${postBody.slice(0, 160)}${diagnosis}`}`,
  };
}

function rawPost(url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; location?: string; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          contentType: res.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
