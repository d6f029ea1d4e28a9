import type { AccessDeps } from '../../access/index.js';
import type { StaffStore } from '../../data/staff.js';
import type { UnitRecord, UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';

/** What the org use cases need: the three entity stores, the audit log and a clock. */
export interface OrgDeps extends AccessDeps {
  units: UnitStore;
  windows: WindowStore;
  staff: StaffStore;
}

export function unitView(unit: UnitRecord) {
  return { id: unit.id, name: unit.name, parentId: unit.parentId, path: unit.path, archived: unit.archived === true };
}
