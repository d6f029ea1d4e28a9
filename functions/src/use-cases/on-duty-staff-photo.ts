import type { StaffPhoto, StaffStore } from '../data/staff.js';
import type { WindowStore } from '../data/windows.js';
import { NotFoundError } from '../errors.js';

export interface OnDutyStaffPhotoDeps {
  windows: Pick<WindowStore, 'get'>;
  staff: Pick<StaffStore, 'getPhoto'>;
}

/**
 * The photo of a staff member as residents see it on the window card (亮身份). Public, so it is
 * served only while it is on that card: the window is active and the person is on duty there now.
 * Everything else — an unknown window or person, someone off duty or at another window, a
 * deactivated window, no photo — is the same 404, so the route cannot be used to fetch the photos
 * of staff by guessing ids.
 */
export async function getOnDutyStaffPhoto(deps: OnDutyStaffPhotoDeps, code: string, staffId: string): Promise<StaffPhoto> {
  const window = await deps.windows.get(code);
  if (!window || !window.active || !window.staffOnDutyIds.includes(staffId)) throw new NotFoundError('staffId', 'photo');
  const photo = await deps.staff.getPhoto(staffId);
  if (!photo) throw new NotFoundError('staffId', 'photo');
  return photo;
}
