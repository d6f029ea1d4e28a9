import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.js';
import type { Page } from './page-cursor.js';
import { createHallStore } from './halls.js';
import { createStaffStore } from './staff.js';
import { createUnitStore } from './units.js';
import { createWindowStore } from './windows.js';

/** 单位: a node of the unit tree; `path` holds the ids from the root down to this unit. */
export interface UnitRecord {
  id: string;
  name: string;
  parentId: string | null;
  path: string[];
  /** Archived units are hidden from lists by default and take no new windows; never deleted once rated. */
  archived?: boolean;
}

/** 服务大厅 */
export interface HallRecord {
  id: string;
  unitId: string;
  name: string;
  address: string;
  /** Archived halls take no new windows; windows already in one keep it. Never deleted. */
  archived?: boolean;
}

/** 工作人员 (亮身份: name, post, duties, pledge are shown to residents). */
export interface StaffRecord {
  id: string;
  unitId: string;
  staffNo: string;
  name: string;
  post: string;
  duties: string;
  pledge: string;
  partyMember: boolean;
  /** Set when a photo is stored (a short hash of it): the window card links the photo without reading it. */
  photoTag?: string;
}

/** 事项: a service item handled at a window (code optional, e.g. from the provincial item catalogue). */
export interface ServiceItem {
  code?: string;
  name: string;
}

/** 窗口 */
export interface WindowRecord {
  code: string;
  unitId: string;
  hallId: string;
  name: string;
  active: boolean;
  staffOnDutyIds: string[];
  surveyId: string;
  surveyVersion: number;
  /** Staff assigned to the window; those on duty now are `staffOnDutyIds` (a subset). */
  staffIds?: string[];
  serviceItems?: ServiceItem[];
  /** Ids from the root to the window's unit; kept in step by unit moves (see units.ts). */
  unitPath?: string[];
}

export interface WindowView {
  window: WindowRecord;
  unit: UnitRecord;
  unitPath: UnitRecord[];
  hall: HallRecord;
  staffOnDuty: StaffRecord[];
}

export interface Directory {
  getWindow(code: string): Promise<WindowRecord | undefined>;
  /** The window with its unit (and ancestors), hall and staff on duty, in two reads. */
  getWindowView(code: string): Promise<WindowView | undefined>;
  /** Windows of a unit subtree, paginated (GSI bySubtree; see ACCESS_PATTERNS.md). */
  listWindows(scopePath: readonly string[], options?: { limit?: number; cursor?: string | undefined }): Promise<Page<WindowRecord>>;
  getUnits(ids: string[]): Promise<Map<string, UnitRecord>>;
  getHalls(ids: string[]): Promise<Map<string, HallRecord>>;
  putUnit(unit: UnitRecord): Promise<void>;
  putHall(hall: HallRecord): Promise<void>;
  putStaff(staff: StaffRecord): Promise<void>;
  putWindow(window: WindowRecord): Promise<void>;
}

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, kind: _kind, treeKey: _t, subtreeKey: _s, parentKey: _p, movingTo: _m, ...rest } = item;
  return rest as T;
}

export function createDirectory(doc: DynamoDBDocumentClient, table: string): Directory {
  const units = createUnitStore(doc, table);
  const windows = createWindowStore(doc, table);
  const staffStore = createStaffStore(doc, table);
  const halls = createHallStore(doc, table);
  async function batchGet(keyList: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    const unique = [...new Map(keyList.map((key) => [`${key.pk}|${key.sk}`, key])).values()];
    const found: Record<string, unknown>[] = [];
    for (let start = 0; start < unique.length; start += 100) {
      let request: Record<string, { Keys: { pk: string; sk: string }[] }> | undefined = {
        [table]: { Keys: unique.slice(start, start + 100) },
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        const result = await doc.send(new BatchGetCommand({ RequestItems: request }));
        found.push(...(result.Responses?.[table] ?? []));
        request = result.UnprocessedKeys as typeof request;
        if (request && Object.keys(request).length > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
      }
    }
    return found;
  }

  const directory: Directory = {
    async getWindow(code) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.window(code) }));
      return Item ? strip<WindowRecord>(Item) : undefined;
    },

    async getWindowView(code) {
      const window = await directory.getWindow(code);
      if (!window) return undefined;
      const unit = (await directory.getUnits([window.unitId])).get(window.unitId);
      if (!unit) return undefined;
      const items = await batchGet([
        ...unit.path.map((id) => keys.unit(id)),
        keys.hall(window.hallId),
        ...window.staffOnDutyIds.map((id) => keys.staff(id)),
      ]);
      const byKey = new Map(items.map((item) => [String(item.pk), item]));
      // A window created without a hall is served at its unit's own premises.
      const hall = byKey.get(keys.hall(window.hallId).pk) ?? { id: '', unitId: unit.id, name: unit.name, address: '' };
      return {
        window,
        unit,
        unitPath: unit.path.map((id) => byKey.get(keys.unit(id).pk)).filter((u) => u !== undefined).map((u) => strip<UnitRecord>(u)),
        hall: strip<HallRecord>(hall),
        staffOnDuty: window.staffOnDutyIds
          .map((id) => byKey.get(keys.staff(id).pk))
          .filter((s) => s !== undefined)
          .map((s) => strip<StaffRecord>(s)),
      };
    },

    listWindows: (scopePath, options) => windows.listSubtree(scopePath, options),

    async getUnits(ids) {
      const items = await batchGet(ids.map((id) => keys.unit(id)));
      return new Map(items.map((item) => [String(item.id), strip<UnitRecord>(item)]));
    },

    async getHalls(ids) {
      const items = await batchGet(ids.map((id) => keys.hall(id)));
      return new Map(items.map((item) => [String(item.id), strip<HallRecord>(item)]));
    },

    putUnit: (unit) => units.put(unit),
    putHall: (hall) => halls.put(hall),
    putStaff: (staff) => staffStore.put(staff),
    async putWindow(window) {
      const unit = await units.get(window.unitId);
      if (!unit) throw new Error(`putWindow: unit ${window.unitId} does not exist`);
      await windows.put({ ...window, unitPath: unit.path });
    },
  };
  return directory;
}
