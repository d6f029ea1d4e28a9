/**
 * A file the API made (a report, a round's or a campaign's results), passed through to the browser
 * untouched: the headers it needs — what the file is, its name, its SHA-256 (not its length: fetch
 * may have decoded a compressed body) — never cached, never sniffed.
 */
const PASSED_THROUGH = ['content-type', 'content-disposition', 'x-manyi-sha256'];

export function passThroughDownload(response: Response): Response {
  const headers = new Headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  for (const name of PASSED_THROUGH) {
    const value = response.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(response.body, { status: 200, headers });
}
