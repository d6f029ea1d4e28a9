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
}

export const SECTIONS: readonly Section[] = [
  { key: 'home', href: '/admin', permission: 'results:read', label: { zh: '工作台', en: 'Overview' } },
  { key: 'units', href: '/admin/units', permission: 'org:read', label: { zh: '单位与窗口', en: 'Units and windows' } },
  { key: 'imports', href: '/admin/units/import', permission: 'org:write', label: { zh: '导入', en: 'Imports' } },
  { key: 'surveys', href: '/admin/surveys', permission: 'org:write', label: { zh: '问卷', en: 'Questionnaires' } },
  { key: 'posters', href: '/admin/posters', permission: 'org:write', label: { zh: '二维码海报', en: 'QR posters' } },
  { key: 'reports', href: '/admin/reports', permission: 'results:read', label: { zh: '满意度报表', en: 'Satisfaction reports' } },
  { key: 'comments', href: '/admin/reports/comments', permission: 'comments:read', label: { zh: '评价留言', en: 'Comments' } },
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
 * The section a path belongs to: the longest href that is the path or a parent of it
 * (/admin/reports/comments is 评价留言, not 满意度报表; /admin/windows/W1 is under no section but 工作台).
 */
export function currentSection(sections: readonly Section[], pathname: string): Section | undefined {
  const path = pathname.replace(/\/+$/, '') || '/';
  const inside = (href: string) => path === href || path.startsWith(`${href}/`);
  return [...sections].filter((section) => inside(section.href)).sort((a, b) => b.href.length - a.href.length)[0];
}
