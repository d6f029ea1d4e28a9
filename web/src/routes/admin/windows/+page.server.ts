import { orgMessages } from '$lib/i18n-org';
import { listUnitWindows } from '$lib/server/api-org';
import { loadDirectory } from '$lib/server/unit-directory';
import type { PageServerLoad } from './$types';

/** 窗口 by unit (issue 12): the index the README names; a window's own page is /admin/windows/{code}. */
export const load: PageServerLoad = async (event) => ({
  t: orgMessages(event.locals.lang),
  directory: await loadDirectory(event, listUnitWindows, (page) => page.windows),
});
