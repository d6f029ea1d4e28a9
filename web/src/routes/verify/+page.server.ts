import { createHash } from 'node:crypto';
import { error, fail } from '@sveltejs/kit';
import type { ExportVerification } from '#shared/contracts/reports.js';
import { chinaTimeText, reportMessages, type ReportMessages } from '$lib/i18n-reports';
import type { Lang } from '$lib/i18n';
import type { ApiResult } from '$lib/server/api';
import { verifyExport } from '$lib/server/api-reports';
import type { Actions, PageServerLoad } from './$types';

/**
 * /verify, public: is this file (or the 数据校验码 printed in it) one this system produced? By
 * checksum through a GET form (?sha256=…, so a verification is also a link), or by uploading the
 * file: the server hashes the bytes and forgets them. With JavaScript the browser hashes the file
 * itself and only the checksum travels.
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

export const load: PageServerLoad = async ({ locals, url }) => {
  const t = reportMessages(locals.lang);
  const typed = url.searchParams.get('sha256');
  if (typed === null) return { t, lang: locals.lang, code: '', result: null, errors: {} as Record<string, string> };
  const code = normalise(typed);
  if (!SHA256.test(code)) return { t, lang: locals.lang, code: typed.slice(0, 200), result: null, errors: { sha256: t.codeInvalid } as Record<string, string> };
  return { t, lang: locals.lang, code, result: shown(await verifyExport(code), t, locals.lang), errors: {} as Record<string, string> };
};

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
};
