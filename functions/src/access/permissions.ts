import { Permission, Role } from '#shared/contracts/auth.js';
import type { Principal } from '../auth/principal.js';

/**
 * Who may do what: the role × action matrix, as data. Every use case asks `authorize` (authorize.ts),
 * which reads this table; the UI only hides what this table refuses. Scopes are unit subtrees
 * (scope.ts). `docs/access-matrix.md` is generated from this table (npm run docs:access) and a
 * test fails when it is stale.
 */
export const PERMISSIONS = {
  'results:read': {
    roles: ['system-admin', 'unit-admin', 'committee'],
    description: 'Read satisfaction results and committee reports of units in scope',
  },
  'reports:export': {
    roles: ['system-admin', 'unit-admin', 'committee'],
    description: 'Download reports of units in scope as XLSX, CSV or PDF (audited)',
  },
  'comments:read': {
    roles: ['system-admin', 'unit-admin', 'committee'],
    description: 'Read residents’ comments (text and day only) of units in scope, only for groups of 10 or more; every read audited',
  },
  'reports:own': {
    roles: ['staff'],
    description: "A staff member's own aggregate and own published 民主评议 results (the account's personId is the 工号 of a staff record of its unit)",
  },
  'definitions:manage': {
    roles: ['system-admin'],
    description: 'Add local rate definitions (which levels count as 好评 / 满意) to the registry',
  },
  'org:read': {
    roles: ['system-admin', 'unit-admin', 'committee'],
    description: 'Read the unit tree, halls, windows, staff and surveys in scope',
  },
  'org:write': {
    roles: ['system-admin', 'unit-admin'],
    description: 'Change units, halls, windows, staff and surveys in scope; print posters',
  },
  'accounts:manage': {
    roles: ['system-admin'],
    description: 'Create accounts, assign roles and scopes, disable, reset passwords and second factors',
  },
  'integrations:manage': {
    roles: ['system-admin', 'unit-admin'],
    description: 'Create, rotate and revoke 接入系统 clients (business systems that push 办件) of units in scope, and import 办件 files for them',
  },
  'sampling:manage': {
    roles: ['system-admin', 'unit-admin'],
    description: 'Run 阳光测评 rounds of units in scope: configure, commit, freeze, draw, close (the account that drew cannot close), cancel',
  },
  'appraisal:manage': {
    roles: ['system-admin', 'unit-admin'],
    description: 'Run 民主评议 campaigns of units in scope: configure subjects, rater groups, indicators, scale and rules while 草稿',
  },
  'appraisal:read': {
    roles: ['system-admin', 'unit-admin', 'committee'],
    description: 'Read 民主评议 campaigns of units in scope, their tally and (audited) their tally pack',
  },
  'appraisal:grade': {
    roles: ['system-admin', 'committee'],
    description: 'Record the final grade (组织评定) of 民主评议 subjects in scope, with a reason where it differs from the proposal, and publish; not the account that opened the campaign',
  },
  'cases:read': {
    roles: ['system-admin', 'unit-admin', 'committee'],
    description: 'Read the 差评 cases of units in scope: their queues, each case and its steps (never a rater’s contact)',
  },
  'cases:work': {
    roles: ['system-admin', 'unit-admin'],
    description: 'Work the 差评 cases of units in scope: verify, fix, explain, call back, close, appeal (谁办理、谁负责)',
  },
  'cases:review': {
    roles: ['system-admin', 'unit-admin'],
    description: 'Decide a 差评 appeal (申诉复核) of a unit below one’s own: never the case’s own unit, never the account that appealed',
  },
  'accountability:write': {
    roles: ['system-admin', 'unit-admin'],
    description: 'Record 通报 / 约谈 / 限期整改 notices to units, windows and staff in scope (the accountability register; committees read and export it)',
  },
  'accountability:decide': {
    roles: ['system-admin', 'committee'],
    description: 'Confirm (the notice enters the register) or dismiss, with a reason, the accountability proposals the reports make for units in scope (问责建议)',
  },
  'audit:read': {
    roles: ['auditor'],
    description: 'Read and export the audit log (separation of duties: no administrator reads it)',
  },
} as const satisfies Record<Permission, { roles: readonly Role[]; description: string }>;

export type { Permission };

/** Every action a principal's role may take, in the matrix's order. */
export function permissionsOf(principal: Pick<Principal, 'role'>): Permission[] {
  return Permission.options.filter((permission) => can(principal, permission));
}

export const ROLES = Role.options;

export function can(principal: Pick<Principal, 'role'>, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly Role[]).includes(principal.role);
}
