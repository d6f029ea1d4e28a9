import { PERMISSIONS, ROLES, type Permission } from './permissions.js';

/**
 * docs/access-matrix.md, generated from PERMISSIONS: what people read is what the code enforces.
 * `npm run docs:access` writes it; a unit test fails when the file is stale.
 */
export function accessMatrixMarkdown(): string {
  const actions = Object.keys(PERMISSIONS) as Permission[];
  const header = ['| action | what it allows | ' + ROLES.join(' | ') + ' |', '| --- | --- | ' + ROLES.map(() => ':---:').join(' | ') + ' |'];
  const rows = actions.map((action) => {
    const { roles, description } = PERMISSIONS[action];
    const cells = ROLES.map((role) => ((roles as readonly string[]).includes(role) ? '✓' : ''));
    return `| \`${action}\` | ${description} | ${cells.join(' | ')} |`;
  });
  return [
    '# Access matrix (role × action)',
    '',
    '<!-- Generated from functions/src/access/permissions.ts by `npm run docs:access`; do not edit by hand. -->',
    '',
    'Every use case asks `authorize(deps, principal, action, attempt, target)` (functions/src/access/authorize.ts).',
    'A role without the action gets **403**; an object outside the caller\'s scope gets the same **404** as an',
    'object that does not exist. Each refusal is audited exactly once. Scope: a system administrator\'s is every',
    'unit tree; everyone else\'s is the subtree of their own unit. Staff see only their own aggregate (`reports:own`,',
    'their own unit); routes tagged `auth` act on the caller\'s own account only.',
    '',
    ...header,
    ...rows,
    '',
  ].join('\n');
}
