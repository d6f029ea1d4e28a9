import type { PosterFormat, PosterSize } from '#shared/contracts/surveys-posters.js';
import type { Principal } from '../../auth/principal.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { authorize, record, type AccessDeps } from '../../access/index.js';
import type { StaffRecord, StaffStore } from '../../data/staff.js';
import type { UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import type { WindowView, WindowViews } from '../../data/window-views.js';
import { posterFont } from './poster-font.js';
import { posterPdf, qrPng, qrSvg, type PosterPage } from './poster-render.js';

export interface PosterDeps extends AccessDeps {
  units: Pick<UnitStore, 'get'>;
  windows: Pick<WindowStore, 'get' | 'listSubtree'>;
  windowViews: WindowViews;
  staff: Pick<StaffStore, 'getMany'>;
  publicBaseUrl?: string | undefined;
  posterFontPath?: string | undefined;
}

export interface PosterFile {
  contentType: string;
  filename: string;
  body: Buffer;
}

export const DEFAULT_BASE_URL = 'http://localhost:3000';
/** A unit's posters are one PDF; past this many windows, print them per sub-unit. */
export const MAX_UNIT_POSTERS = 200;

export function residentUrl(baseUrl: string | undefined, code: string): string {
  return `${(baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}/w/${encodeURIComponent(code)}`;
}

/** Each text once, in order, its line breaks folded (a cell of an imported sheet may span lines). */
function distinct(texts: readonly string[]): string[] {
  return [...new Set(texts.map((text) => text.replace(/\s*\n\s*/g, ' ').trim()).filter((text) => text !== ''))];
}

/**
 * A poster hangs on the wall for months: it shows what stays true (what the window handles, the
 * duties and pledges of the staff assigned to it), never who is on duty today.
 */
async function page(deps: PosterDeps, view: WindowView): Promise<PosterPage> {
  const ids = view.window.staffIds ?? view.window.staffOnDutyIds;
  const known = new Map<string, StaffRecord>(view.staffOnDuty.map((person) => [person.id, person]));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) for (const [id, person] of await deps.staff.getMany(missing)) known.set(id, person);
  const staff = ids.map((id) => known.get(id)).filter((person) => person !== undefined);
  return {
    url: residentUrl(deps.publicBaseUrl, view.window.code),
    active: view.window.active,
    unitName: view.unit.name,
    windowName: view.window.name,
    hallName: view.hall.name,
    serviceItems: distinct((view.window.serviceItems ?? []).map((item) => item.name)),
    duties: distinct(staff.map((person) => person.duties)),
    pledges: distinct(staff.map((person) => person.pledge)),
  };
}

/**
 * One window's poster: PDF (A4 or A5), or the QR alone as PNG or SVG. A download, so audited;
 * a window out of scope is answered like one that does not exist. `url` answers the link the QR
 * encodes, as text: no file to print, so not audited (the poster page reads it on every visit to
 * warn when posters would point at this machine only).
 */
export async function windowPoster(deps: PosterDeps, principal: Principal, code: string, options: { format: PosterFormat; size: PosterSize }): Promise<PosterFile> {
  const attempt = { action: 'window.poster', objectType: 'window', objectId: code };
  await authorize(deps, principal, 'org:write', attempt, { window: code, field: 'code' });
  const view = await deps.windowViews.get(code);
  if (!view) throw new NotFoundError('code', 'window');
  if (options.format === 'url') {
    return { contentType: 'text/plain; charset=utf-8', filename: `link-${code}.txt`, body: Buffer.from(residentUrl(deps.publicBaseUrl, code), 'utf8') };
  }
  const poster = await page(deps, view);
  let file: PosterFile;
  if (options.format === 'pdf') {
    file = { contentType: 'application/pdf', filename: `poster-${code}-${options.size}.pdf`, body: await posterPdf([poster], options.size, posterFont(deps.posterFontPath)) };
  } else if (!poster.active) {
    // The QR alone of a paused window would still collect ratings once printed: refuse it.
    await record(deps, principal, attempt, 'invalid', { unitId: view.unit.id, detail: `${options.format}: window inactive` });
    throw new ConflictError('code', 'the window is not collecting ratings (本窗口暂停评价): only its PDF poster, which says so, is available');
  } else if (options.format === 'png') {
    file = { contentType: 'image/png', filename: `qr-${code}.png`, body: await qrPng(poster.url) };
  } else {
    file = { contentType: 'image/svg+xml', filename: `qr-${code}.svg`, body: Buffer.from(await qrSvg(poster.url), 'utf8') };
  }
  await record(deps, principal, attempt, 'ok', { unitId: view.unit.id, detail: `${options.format} ${options.size}` });
  return file;
}

/** Posters of every active window of a unit subtree, one page each, in one PDF. */
export async function unitPosters(deps: PosterDeps, principal: Principal, unitId: string, options: { size: PosterSize }): Promise<PosterFile> {
  const attempt = { action: 'unit.posters', objectType: 'unit', objectId: unitId };
  const unit = await authorize(deps, principal, 'org:write', attempt, { unit: unitId, field: 'id' });
  const codes: string[] = [];
  let cursor: string | undefined;
  do {
    const listed = await deps.windows.listSubtree(unit.path, { limit: 100, cursor });
    codes.push(...listed.items.filter((w) => w.active).map((w) => w.code));
    cursor = listed.cursor;
  } while (cursor && codes.length < MAX_UNIT_POSTERS);
  const views = (await Promise.all(codes.slice(0, MAX_UNIT_POSTERS).map((code) => deps.windowViews.get(code)))).filter(
    (view): view is WindowView => view !== undefined && view.window.active,
  );
  views.sort((a, b) => a.hall.name.localeCompare(b.hall.name, 'zh-CN') || a.window.name.localeCompare(b.window.name, 'zh-CN'));
  const pages = await Promise.all(views.map((view) => page(deps, view)));
  const body = await posterPdf(pages, options.size, posterFont(deps.posterFontPath));
  await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: `pdf ${options.size}, ${views.length} windows` });
  return { contentType: 'application/pdf', filename: `posters-${unit.id}-${options.size}.pdf`, body };
}
