import { createHash } from 'node:crypto';
import { error, fail } from '@sveltejs/kit';
import type { ExportVerification } from '#shared/contracts/reports.js';
import type { FieldIssue } from '#shared/contracts/errors.js';
import { DRAW_PACK_MAX_BYTES } from '#shared/contracts/sampling/draw-verification.js';
import { drawMessages, fill, megabytes, type DrawMessages } from '$lib/i18n-draw';
import { chinaTimeText, reportMessages, type ReportMessages } from '$lib/i18n-reports';
import type { Lang } from '$lib/i18n';
import type { ApiResult } from '$lib/server/api';
import { verifyExport } from '$lib/server/api-reports';
import { verifyDrawPack } from '$lib/server/api-sampling';
import type { Actions, PageServerLoad } from './$types';

/**
 * /verify, public: is this file (or the 数据校验码 printed in it) one this system produced? By
 * checksum through a GET form (?sha256=…, so a verification is also a link), or by uploading the
 * file: the server hashes the bytes and forgets them. With JavaScript the browser hashes the file
 * itself and only the checksum travels.
 *
 * And a 阳光测评 round's draw (issue 13 §3): its verification pack (manyi-draw-v1) is uploaded,
 * read as JSON here and re-run by the API, which names what is not a pack; the page shows each
 * check with ✓ or ✗ and the verdict.
 */

/** People paste checksums with spaces, line breaks or in capitals (from a PDF); the API wants 64 lowercase hex digits. */
function normalise(code: string): string {
  return code.replace(/[\s:-]/g, '').toLowerCase().slice(0, 200);
}
const SHA256 = /^[0-9a-f]{64}$/;

/** What the page shows of an answer, with instants written in China time. */
function shown(result: ApiResult<ExportVerification>, t: ReportMessages, lang: Lang) {
  if (!result.ok) error(503, { message: t.verifyUnavailable });
  const v = result.data;
  return {
    ...v,
    extractedText: v.extractedAt ? chinaTimeText(v.extractedAt, lang) : null,
    generatedText: v.generatedAt ? chinaTimeText(v.generatedAt, lang) : null,
  };
}

/** Over the bound: too large for the web, and the command that checks it instead. */
const tooLarge = (d: DrawMessages) => fill(d.packTooLarge, { mb: megabytes(DRAW_PACK_MAX_BYTES) });

export const load: PageServerLoad = async ({ locals, url }) => {
  const t = reportMessages(locals.lang);
  // The draw form's strings, and its bound so that with JavaScript a too-large pack is refused before it is sent.
  const d = drawMessages(locals.lang);
  const draw = { d, drawMaxBytes: DRAW_PACK_MAX_BYTES, drawTooLarge: tooLarge(d) };
  const typed = url.searchParams.get('sha256');
  if (typed === null) return { t, ...draw, lang: locals.lang, code: '', result: null, errors: {} as Record<string, string> };
  const code = normalise(typed);
  if (!SHA256.test(code)) return { t, ...draw, lang: locals.lang, code: typed.slice(0, 200), result: null, errors: { sha256: t.codeInvalid } as Record<string, string> };
  return { t, ...draw, lang: locals.lang, code, result: shown(await verifyExport(code), t, locals.lang), errors: {} as Record<string, string> };
};

/**
 * What was wrong with a file the API refused as a pack, in the visitor's language, naming the
 * fields (at most five), and the API's own lines (English) beneath it.
 */
function packProblem(issues: FieldIssue[], d: DrawMessages): { message: string; details: string[] } {
  const shown = issues.slice(0, 5);
  if (shown.length === 0 || shown.some((issue) => issue.field === 'body')) return { message: d.notAnObject, details: shown.map((issue) => issue.message) };
  const named = shown.map(({ field, message }) =>
    fill(/unknown field$/.test(message) ? d.unknownField : /received undefined$/.test(message) ? d.missingField : d.badField, { field }),
  );
  return { message: `${d.notAPack}${named.join(d.separator)}`, details: shown.map((issue) => issue.message) };
}

/** The adapter refuses bodies over its limit (BODY_SIZE_LIMIT) before this runs; this is the page's own bound. */
const MAX_FILE_BYTES = 50 * 1024 * 1024;

export const actions: Actions = {
  file: async ({ request, locals }) => {
    const t = reportMessages(locals.lang);
    const form = await request.formData();
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return fail(400, { fileErrors: { file: t.fileMissing } });
    if (file.size > MAX_FILE_BYTES) return fail(400, { fileErrors: { file: t.fileTooLarge } });
    const sha256 = createHash('sha256').update(Buffer.from(await file.arrayBuffer())).digest('hex');
    return { fileResult: shown(await verifyExport(sha256), t, locals.lang) };
  },

  draw: async ({ request, locals }) => {
    const d = drawMessages(locals.lang);
    const form = await request.formData();
    const file = form.get('pack');
    if (!(file instanceof File) || file.size === 0) return fail(400, { drawError: d.packMissing, drawDetails: [] as string[] });
    if (file.size > DRAW_PACK_MAX_BYTES) return fail(413, { drawError: tooLarge(d), drawDetails: [] as string[] });
    let pack: unknown;
    try {
      pack = JSON.parse(await file.text());
    } catch {
      return fail(400, { drawError: d.notJson, drawDetails: [] as string[] });
    }
    const answer = await verifyDrawPack(pack);
    if (answer.ok) return { draw: answer.data };
    if (answer.status === 413) return fail(413, { drawError: tooLarge(d), drawDetails: [] as string[] });
    if (answer.status === 400) {
      const { message, details } = packProblem(answer.error.error.issues ?? [], d);
      return fail(400, { drawError: message, drawDetails: details });
    }
    error(503, { message: d.drawUnavailable });
  },
};
