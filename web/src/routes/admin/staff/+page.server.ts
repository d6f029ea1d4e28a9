import { orgMessages } from '$lib/i18n-org';
import { listUnitStaff } from '$lib/server/api-org';
import { loadDirectory } from '$lib/server/unit-directory';
import type { PageServerLoad } from './$types';

/** 工作人员 by unit (issue 12); a staff member's own page is /admin/staff/{id}. */
export const load: PageServerLoad = async (event) => ({
  t: orgMessages(event.locals.lang),
  directory: await loadDirectory(event, listUnitStaff, (page) => page.staff),
});
