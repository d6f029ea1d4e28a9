import { orgMessages } from '$lib/i18n-org';
import { listUnitHalls } from '$lib/server/api-org';
import { loadDirectory } from '$lib/server/unit-directory';
import type { PageServerLoad } from './$types';

/** 服务大厅 by unit (issue 12); halls are created and changed on their unit's page. */
export const load: PageServerLoad = async (event) => ({
  t: orgMessages(event.locals.lang),
  directory: await loadDirectory(event, listUnitHalls, (page) => page.halls),
});
