import type { Operation } from './operation.js';

/** Operations of the administration capability: units, windows, staff, imports (单位、窗口、工作人员). */
export const orgOperations = {} as const satisfies Record<string, Operation>;
