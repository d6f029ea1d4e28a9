/** Who may do what: the one access rule every use case asks (see authorize.ts). */
export { authorize, authorizeOwned, record, refuse, type AccessDeps, type Attempt, type AuditExtra, type Target } from './authorize.js';
export { can, PERMISSIONS, ROLES, type Permission } from './permissions.js';
export { isInScope } from './scope.js';
