import type { HallRecord, HallStore } from './halls.js';
import type { StaffRecord, StaffStore } from './staff.js';
import type { UnitRecord, UnitStore } from './units.js';
import type { WindowRecord, WindowStore } from './windows.js';

/** A window with what a card or poster shows beside it: its unit and ancestors, hall and staff on duty. */
export interface WindowView {
  window: WindowRecord;
  unit: UnitRecord;
  /** The units from the root down to the window's unit. */
  unitPath: UnitRecord[];
  hall: HallRecord;
  staffOnDuty: StaffRecord[];
}

export interface WindowViews {
  get(code: string): Promise<WindowView | undefined>;
}

/**
 * A composed read over the entity stores, not a store of its own: the window, then its units,
 * hall and staff on duty in parallel (two round trips). The window record carries its unit path
 * (kept in step by unit moves), so the units need not be read one after the other.
 */
export function createWindowViews(stores: {
  windows: Pick<WindowStore, 'get'>;
  units: Pick<UnitStore, 'getMany'>;
  halls: Pick<HallStore, 'get'>;
  staff: Pick<StaffStore, 'getMany'>;
}): WindowViews {
  return {
    async get(code) {
      const window = await stores.windows.get(code);
      if (!window) return undefined;
      const path = window.unitPath ?? [window.unitId];
      const [units, hall, staff] = await Promise.all([
        stores.units.getMany([...path, window.unitId]),
        window.hallId ? stores.halls.get(window.hallId) : Promise.resolve(undefined),
        window.staffOnDutyIds.length > 0 ? stores.staff.getMany(window.staffOnDutyIds) : Promise.resolve(new Map<string, StaffRecord>()),
      ]);
      const unit = units.get(window.unitId);
      if (!unit) return undefined;
      return {
        window,
        unit,
        unitPath: unit.path.map((id) => units.get(id)).filter((found) => found !== undefined),
        // A window created without a hall is served at its unit's own premises.
        hall: hall ?? { id: '', unitId: unit.id, name: unit.name, address: '' },
        staffOnDuty: window.staffOnDutyIds.map((id) => staff.get(id)).filter((found) => found !== undefined),
      };
    },
  };
}
