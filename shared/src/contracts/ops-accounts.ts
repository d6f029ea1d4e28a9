import type { Operation } from './operation.js';

/** Operations of the administration capability: accounts, roles, second factor, audit log (账号、角色、审计日志). */
export const accountOperations = {} as const satisfies Record<string, Operation>;
