import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** 导入 lives beside the unit tree; /admin/imports (the name in older notes) leads there, query and all. */
export const GET: RequestHandler = ({ url }) => {
  redirect(308, `/admin/units/import${url.search}`);
};
