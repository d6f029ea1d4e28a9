import type { Permission, Role } from '#shared/contracts/auth.js';
import type { Lang } from './i18n';

/**
 * The admin shell (issue 12): the sections of the navigation, each shown only to the roles whose
 * actions (the API's access matrix, GET /api/auth/session) include its permission. Hiding a link
 * is a courtesy; the API refuses what a role may not do whatever the page shows.
 */
export interface Section {
  key: string;
  href: string;
  permission: Permission;
  label: Record<Lang, string>;
  /** Other paths that belong to the section (a window's page is under 单位与窗口). */
  also?: readonly string[];
}

export const SECTIONS: readonly Section[] = [
  { key: 'home', href: '/admin', permission: 'results:read', label: { zh: '工作台', en: 'Overview' } },
  { key: 'units', href: '/admin/units', permission: 'org:read', label: { zh: '单位与窗口', en: 'Units and windows' }, also: ['/admin/windows'] },
  { key: 'staff', href: '/admin/staff', permission: 'org:read', label: { zh: '工作人员', en: 'Staff' } },
  { key: 'halls', href: '/admin/halls', permission: 'org:read', label: { zh: '服务大厅', en: 'Service halls' } },
  { key: 'imports', href: '/admin/units/import', permission: 'org:write', label: { zh: '导入', en: 'Imports' } },
  { key: 'surveys', href: '/admin/surveys', permission: 'org:write', label: { zh: '问卷', en: 'Questionnaires' } },
  { key: 'posters', href: '/admin/posters', permission: 'org:write', label: { zh: '二维码海报', en: 'QR posters' } },
  { key: 'reports', href: '/admin/reports', permission: 'results:read', label: { zh: '满意度报表', en: 'Satisfaction reports' } },
  { key: 'rounds', href: '/admin/rounds', permission: 'results:read', label: { zh: '阳光测评', en: 'Sampling rounds' } },
  { key: 'appraisal', href: '/admin/appraisal', permission: 'appraisal:read', label: { zh: '民主评议', en: 'Appraisals' } },
  { key: 'comments', href: '/admin/reports/comments', permission: 'comments:read', label: { zh: '评价留言', en: 'Comments' } },
  { key: 'cases', href: '/admin/cases', permission: 'cases:read', label: { zh: '差评整改', en: 'Bad-rating cases' } },
  { key: 'accounts', href: '/admin/accounts', permission: 'accounts:manage', label: { zh: '账号', en: 'Accounts' } },
  { key: 'audit', href: '/admin/audit', permission: 'audit:read', label: { zh: '审计日志', en: 'Audit log' } },
  { key: 'me', href: '/me', permission: 'reports:own', label: { zh: '我的评价', en: 'My ratings' } },
];

export const ROLE_LABELS: Record<Role, Record<Lang, string>> = {
  'system-admin': { zh: '系统管理员', en: 'System administrator' },
  'unit-admin': { zh: '单位管理员', en: 'Unit administrator' },
  committee: { zh: '考核委员会', en: 'Assessment committee' },
  staff: { zh: '工作人员', en: 'Staff' },
  auditor: { zh: '审计员', en: 'Auditor' },
};

/** The sections a session may use, in navigation order. */
export function sectionsFor(permissions: readonly Permission[]): Section[] {
  return SECTIONS.filter((section) => permissions.includes(section.permission));
}

/**
 * The section a path belongs to: the one with the longest href (or `also` path) that is the path or
 * a parent of it (/admin/reports/comments is 评价留言, not 满意度报表; /admin/windows/W1 is 单位与窗口).
 */
export function currentSection(sections: readonly Section[], pathname: string): Section | undefined {
  const path = pathname.replace(/\/+$/, '') || '/';
  const inside = (href: string) => path === href || path.startsWith(`${href}/`);
  const match = (section: Section) => Math.max(...[section.href, ...(section.also ?? [])].map((href) => (inside(href) ? href.length : -1)));
  return sections
    .map((section) => ({ section, length: match(section) }))
    .filter(({ length }) => length >= 0)
    .sort((a, b) => b.length - a.length)[0]?.section;
}

/** One step of a unit breadcrumb; `linked` is false above the account's scope (those pages refuse it). */
export interface Crumb {
  id: string;
  name: string;
  linked: boolean;
}

/**
 * The breadcrumb of a unit: its ancestors from the root, then the unit. Units above the account's
 * scope root are shown for orientation but not linked; with the scope root not on the path (it
 * should always be), only the unit itself counts as in scope.
 */
export function unitTrail(ancestors: readonly { id: string; name: string }[], unit: { id: string; name: string }, scopeUnitId: string): Crumb[] {
  const path = [...ancestors, unit].map(({ id, name }) => ({ id, name }));
  const scopeAt = path.findIndex((step) => step.id === scopeUnitId);
  const from = scopeAt === -1 ? path.length - 1 : scopeAt;
  return path.map((step, index) => ({ ...step, linked: index >= from }));
}
