import { error } from '@sveltejs/kit';
import { reportMessages } from '$lib/i18n-reports';
import { getUnitTree, requireToken, sessionEnded } from '$lib/server/api-org';
import * as api from '$lib/server/api-reports';
import { commentParams, listComments } from '$lib/server/api-comments';
import { tokenUnitId } from '$lib/server/api-surveys';
import { defaultPeriodNote, extractedText, queryErrors, reportForm, reportLinks, reportQuery } from './report-page.server';
import type { PageServerLoad } from './$types';

/** Comments the report page shows; the rest are on /admin/reports/comments, a page at a time. */
const COMMENTS_ON_REPORT = 20;

/** Units a scope select lists at most (pages of the tree API); a province-wide admin uses the unit page's search instead. */
const MAX_TREE_PAGES = 5;

async function unitChoices(token: string) {
  const units: { id: string; name: string; depth: number }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TREE_PAGES; page++) {
    const tree = await getUnitTree(token, cursor);
    if (!tree.ok) return { units, status: tree.status };
    for (const unit of tree.data.units) units.push({ id: unit.id, name: unit.name, depth: unit.depth });
    cursor = tree.data.cursor;
    if (!cursor) break;
  }
  return { units, status: 200 };
}

/**
 * The committee report: a GET form (the report is its URL, so it works without JavaScript, can be
 * bookmarked and is what the drill-down and download links repeat), then one API call.
 */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = reportMessages(locals.lang);
  const form = reportForm(url.searchParams);
  form.unit ??= tokenUnitId(token);
  const query = reportQuery(form);

  const [tree, definitions, result, comments] = await Promise.all([
    unitChoices(token),
    api.listRateDefinitions(token),
    api.satisfactionReport(token, query),
    listComments(token, query, { limit: COMMENTS_ON_REPORT }),
  ]);
  if (tree.status === 401 || (!result.ok && result.status === 401)) sessionEnded(cookies, url);

  // The chosen unit stays selectable even when the tree could not list it.
  const units = tree.units.some((unit) => unit.id === form.unit) || !form.unit ? tree.units : [{ id: form.unit, name: form.unit, depth: 0 }, ...tree.units];
  const failed = url.searchParams.get('failed');
  const page = {
    t,
    lang: locals.lang,
    form,
    units,
    definitions: definitions.ok ? definitions.data.definitions.map((d) => ({ id: d.id, name: d.name })) : [],
    downloadProblem: failed && /^\d{3}$/.test(failed) ? t.downloadFailed.replace('{status}', failed) : null,
  };

  if (result.ok) {
    return {
      ...page,
      report: result.data,
      periodNote: defaultPeriodNote(url.searchParams, result.data, t, locals.lang),
      extracted: extractedText(result.data, locals.lang),
      links: reportLinks(result.data, query),
      // 评价留言 of the same scope, period and channel (the API shows them only for groups of 10 or more).
      comments: comments.ok ? comments.data : null,
      commentsProblem: comments.ok ? null : comments.status === 403 ? t.commentsForbidden : t.commentsUnavailable,
      commentsHref: `/admin/reports/comments${api.reportSearch(commentParams(query))}`,
      errors: {},
      problem: null,
    };
  }
  if (result.status === 403) return { ...page, report: null, extracted: '', links: null, errors: {}, problem: t.forbidden };
  if (result.status === 400 || result.status === 404) {
    return { ...page, report: null, extracted: '', links: null, errors: queryErrors(result, query, t), problem: t.invalidQuery };
  }
  error(503, { message: t.unavailable });
};
