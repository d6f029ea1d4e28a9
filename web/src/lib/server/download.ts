/**
 * A file the API made (a report, a round's or a campaign's results, a campaign's slips), passed
 * through to the browser untouched: the headers it needs — what the file is, its name, its SHA-256
 * (not its length: fetch may have decoded a compressed body) — never cached, never sniffed.
 */
const PASSED_THROUGH = ['content-type', 'content-disposition', 'x-manyi-sha256'];

export function passThroughDownload(response: Response, options: { headers?: readonly string[]; filename?: string } = {}): Response {
  const headers = new Headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  for (const name of [...PASSED_THROUGH, ...(options.headers ?? [])]) {
    const value = response.headers.get(name);
    if (value) headers.set(name, value);
  }
  if (options.filename && !headers.has('content-disposition')) headers.set('content-disposition', `attachment; filename="${options.filename}"`);
  return new Response(response.body, { status: 200, headers });
}

/** A campaign's PDF of slips (开放, 重新投票): with the number of codes it holds. */
export const slipsDownload = (response: Response): Response => passThroughDownload(response, { headers: ['x-manyi-codes-issued'], filename: 'slips.pdf' });
