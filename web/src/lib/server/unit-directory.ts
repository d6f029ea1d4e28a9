import { error, type Cookies } from '@sveltejs/kit';
import type { UnitDetail } from '#shared/contracts/org-units.js';
import { orgMessages } from '$lib/i18n-org';
import type { ApiResult } from './api';
import * as api from './api-org';

/**
 * The section indexes 窗口, 工作人员 and 服务大厅 (issue 12): one unit of the account's scope (the
 * scope root unless `?unit=` names another), its own items, and the first page of each child unit's
 * items, so a county's departments show on one page and a province drills down a level at a time.
 * One request per child unit, at most {@link CHILD_GROUPS} of them; the rest are a page of links.
 */
export const CHILD_GROUPS = 30;

export interface DirectoryGroup<T> {
  unit: { id: string; name: string };
  items: T[];
  /** Next page of this group's items (only the chosen unit's own group pages in place). */
  cursor: string | null;
  own: boolean;
  /** The API did not answer for this unit: the page says so instead of showing it empty. */
  failed: boolean;
}

export interface Directory<T> {
  unit: UnitDetail;
  scopeUnitId: string;
  canWrite: boolean;
  groups: DirectoryGroup<T>[];
  /** Child units beyond the ones shown as groups (links only), and the next page of children. */
  moreChildren: { id: string; name: string }[];
  childrenCursor: string | null;
}

interface Event {
  locals: App.Locals;
  url: URL;
  cookies: Cookies;
  parent: () => Promise<{ session?: { unit: { id: string }; permissions: readonly string[] } | null }>;
}

export async function loadDirectory<P extends { cursor?: string }, T>(
  event: Event,
  list: (token: string, unitId: string, cursor?: string | null) => Promise<ApiResult<P>>,
  itemsOf: (page: P) => T[],
): Promise<Directory<T>> {
  const { locals, url, cookies } = event;
  const token = api.requireToken(locals);
  const t = orgMessages(locals.lang);
  const { session } = await event.parent();
  const scopeUnitId = session?.unit.id ?? '';
  const unitId = url.searchParams.get('unit') || scopeUnitId;
  const [unit, children, own] = await Promise.all([
    api.getUnit(token, unitId),
    api.listUnitChildren(token, unitId, url.searchParams.get('children')),
    list(token, unitId, url.searchParams.get('cursor')),
  ]);
  if (!unit.ok) {
    if (unit.status === 401) api.sessionEnded(cookies, url);
    if (unit.status === 404 || unit.status === 400) error(404, { message: t.errors.notFound });
    if (unit.status === 403) error(403, { message: t.errors.forbidden });
    error(503, { message: t.errors.unavailable });
  }
  if (!own.ok || !children.ok) error(own.status === 403 ? 403 : 503, { message: own.status === 403 ? t.errors.forbidden : t.errors.unavailable });
  const shown = children.data.units.slice(0, CHILD_GROUPS);
  const pages = await Promise.all(shown.map((child) => list(token, child.id)));
  const groups: DirectoryGroup<T>[] = [
    { unit: { id: unit.data.id, name: unit.data.name }, items: itemsOf(own.data), cursor: own.data.cursor ?? null, own: true, failed: false },
    ...shown.map((child, index) => {
      const listed = pages[index]!;
      return {
        unit: { id: child.id, name: child.name },
        items: listed.ok ? itemsOf(listed.data) : [],
        cursor: listed.ok ? (listed.data.cursor ?? null) : null,
        own: false,
        failed: !listed.ok,
      };
    }),
  ];
  return {
    unit: unit.data,
    scopeUnitId,
    canWrite: session?.permissions.includes('org:write') ?? false,
    groups,
    moreChildren: children.data.units.slice(CHILD_GROUPS).map(({ id, name }) => ({ id, name })),
    childrenCursor: children.data.cursor ?? null,
  };
}
