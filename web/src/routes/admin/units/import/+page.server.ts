import { fail } from '@sveltejs/kit';
import type { ImportPreview } from '#shared/contracts/org-imports.js';
import type { Lang } from '$lib/i18n';
import { IMPORT_COLUMN_LABELS, orgMessages, rowMessage } from '$lib/i18n-org';
import * as api from '$lib/server/api-org';
import type { Actions, PageServerLoad } from './$types';

/** Same limit as the API's (3 MiB); checked here too so a huge upload is not base64-ed back into the page. */
const MAX_FILE_BYTES = 3 * 1024 * 1024;

const kindOf = (value: unknown): api.ImportKind => (value === 'staff' || value === 'service-records' ? value : 'units');

export const load: PageServerLoad = ({ locals, url }) => {
  api.requireToken(locals);
  return { t: orgMessages(locals.lang), kind: kindOf(url.searchParams.get('kind')) };
};

/**
 * The file comes either as an upload (preview) or, after a preview, from the hidden `fileBase64`
 * field, so that "确认导入" works without JavaScript and without uploading the file again.
 */
async function fileOf(form: FormData): Promise<Uint8Array | undefined> {
  const upload = form.get('file');
  if (upload instanceof File && upload.size > 0) {
    if (upload.size > MAX_FILE_BYTES) return undefined;
    return new Uint8Array(await upload.arrayBuffer());
  }
  const base64 = String(form.get('fileBase64') ?? '');
  if (base64 === '' || base64.length > (MAX_FILE_BYTES * 4) / 3 + 4) return undefined;
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Column names as in the file, row problems in the page's language. */
function localize(preview: ImportPreview, lang: Lang): ImportPreview {
  const labels = IMPORT_COLUMN_LABELS[preview.kind];
  const label = (field: string) => labels[field] ?? field;
  return {
    ...preview,
    columns: preview.columns.map(label),
    rows: preview.rows.map((row) => ({
      line: row.line,
      values: Object.fromEntries(Object.entries(row.values).map(([field, value]) => [label(field), value])),
      errors: row.errors.map((issue) => ({ field: label(issue.field), message: rowMessage(lang, issue.message) })),
    })),
  };
}

export const actions: Actions = {
  preview: async ({ request, locals, url, cookies }) => {
    const token = api.requireToken(locals);
    const e = orgMessages(locals.lang).errors;
    const form = await request.formData();
    const kind = kindOf(form.get('kind'));
    const file = await fileOf(form);
    if (!file) return fail(400, { kind, errors: { file: e.file } });
    const result = await api.previewImport(token, kind, file);
    if (result.status === 401) api.sessionEnded(cookies, url);
    if (!result.ok) return fail(400, { kind, errors: { file: result.status === 403 ? e.forbidden : result.status === 400 ? e.file : e.unavailable } });
    return { kind, preview: localize(result.data, locals.lang), fileBase64: result.data.valid ? Buffer.from(file).toString('base64') : '' };
  },
  apply: async ({ request, locals, url, cookies }) => {
    const token = api.requireToken(locals);
    const e = orgMessages(locals.lang).errors;
    const form = await request.formData();
    const kind = kindOf(form.get('kind'));
    const file = await fileOf(form);
    if (!file) return fail(400, { kind, errors: { file: e.file } });
    if (kind === 'service-records') {
      const step = await api.applyRecordImport(token, file);
      if (step.status === 401) api.sessionEnded(cookies, url);
      // Not finished: the page offers 继续导入 with the same file (the API continues the same job).
      if (step.ok) return { kind, progress: step.data, fileBase64: step.data.finished ? '' : Buffer.from(file).toString('base64') };
      if (step.status >= 500) return fail(503, { kind, errors: { file: e.unavailable }, fileBase64: Buffer.from(file).toString('base64'), retry: true });
      const preview = await api.previewImport(token, kind, file);
      return fail(400, { kind, errors: { file: step.status === 403 ? e.forbidden : e.invalid }, preview: preview.ok ? localize(preview.data, locals.lang) : undefined });
    }
    const result = await api.applyImport(token, kind, file);
    if (result.status === 401) api.sessionEnded(cookies, url);
    if (result.ok) return { kind, created: result.data.created, batches: result.data.batches };
    if (result.status === 409) {
      // A 工号 was taken while the file was being written: the job was rolled back, nothing is visible.
      const field = result.error.error.issues?.[0]?.field ?? '';
      const line = /^rows\.(\d+)\./.exec(field)?.[1];
      const row = line ? orgMessages(locals.lang).rowLabel.replace('{line}', line) : '';
      return fail(409, { kind, errors: { file: e.importConflict.replace('{row}', row) } });
    }
    if (result.status >= 500) {
      // Timed out or failed midway: nothing is visible, and sending the same file again continues it.
      return fail(503, { kind, errors: { file: e.importUnfinished }, fileBase64: Buffer.from(file).toString('base64'), retry: true });
    }
    // Show the rows again with their problems: nothing was written.
    const preview = await api.previewImport(token, kind, file);
    return fail(400, { kind, errors: { file: result.status === 403 ? e.forbidden : e.invalid }, preview: preview.ok ? localize(preview.data, locals.lang) : undefined });
  },
};
