import { error } from '@sveltejs/kit';
import { reportMessages } from '$lib/i18n-reports';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { commentParams, listComments } from '$lib/server/api-comments';
import { reportParams, reportSearch } from '$lib/server/api-reports';
import { tokenUnitId } from '$lib/server/api-surveys';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;

/**
 * Every comment (评价留言) of a report's scope, period and channel, a page at a time: the URL is the
 * report's (scope and period parameters) plus the API's `cursor`, so paging is plain links and
 * works without JavaScript. The API decides what may be shown and audits each page read.
 */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = reportMessages(locals.lang);
  const query = reportParams(url.searchParams);
  // Opened without a scope (a bookmark, the address typed): the caller's own unit, as the report page does.
  if (!query.unit && !query.window) query.unit = tokenUnitId(token);
  const cursor = url.searchParams.get('cursor');
  const result = await listComments(token, query, { limit: PAGE_SIZE, cursor });
  if (result.status === 401) sessionEnded(cookies, url);

  const search = (extra: Record<string, string | undefined> = {}) => reportSearch(commentParams(query), extra);
  const page = { t, lang: locals.lang, reportHref: `/admin/reports${reportSearch(query)}` };
  if (result.ok) {
    const data = result.data;
    return {
      ...page,
      comments: data,
      nextHref: data.cursor ? `/admin/reports/comments${search({ cursor: data.cursor })}` : null,
      firstHref: cursor ? `/admin/reports/comments${search()}` : null,
      problem: null,
    };
  }
  if (result.status === 403) return { ...page, comments: null, nextHref: null, firstHref: null, problem: t.commentsForbidden };
  if (result.status === 400 || result.status === 404) return { ...page, comments: null, nextHref: null, firstHref: null, problem: t.commentsInvalid };
  error(503, { message: t.commentsUnavailable });
};
