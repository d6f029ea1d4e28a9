import { describe, expect, it } from 'vitest';
import { currentSection, sectionsFor, unitTrail } from './admin-shell';

describe('the admin navigation', () => {
  const all = sectionsFor(['results:read', 'org:read', 'org:write', 'comments:read', 'accounts:manage']);

  it('lists 工作人员 and 服务大厅 for every role that reads the organisation, and not for staff', () => {
    expect(all.map((section) => section.label.zh)).toEqual(['工作台', '单位与窗口', '工作人员', '服务大厅', '导入', '问卷', '二维码海报', '满意度报表', '阳光测评', '评价留言', '账号']);
    expect(sectionsFor(['reports:own']).map((section) => section.key)).toEqual(['me']);
  });

  it('lists 民主评议 after 阳光测评 for those who read campaigns (appraisal:read: administrators and committees)', () => {
    const admin = sectionsFor(['results:read', 'org:read', 'org:write', 'comments:read', 'appraisal:read', 'appraisal:manage']).map((section) => section.label.zh);
    expect(admin.slice(admin.indexOf('阳光测评'), admin.indexOf('阳光测评') + 3)).toEqual(['阳光测评', '民主评议', '评价留言']);
    expect(all.map((section) => section.key)).not.toContain('appraisal');
    expect(sectionsFor(['appraisal:read']).map((section) => [section.href, section.label.en])).toEqual([['/admin/appraisal', 'Appraisals']]);
    expect(sectionsFor(['appraisal:manage']).map((section) => section.key)).not.toContain('appraisal');
  });

  it('lists 差评整改 after 评价留言 for those who read cases (cases:read: administrators and committees)', () => {
    const admin = sectionsFor(['results:read', 'comments:read', 'cases:read', 'cases:work', 'accounts:manage']).map((section) => section.label.zh);
    expect(admin.slice(admin.indexOf('评价留言'), admin.indexOf('评价留言') + 3)).toEqual(['评价留言', '差评整改', '账号']);
    expect(all.map((section) => section.key)).not.toContain('cases');
    expect(sectionsFor(['cases:read']).map((section) => [section.href, section.label.en])).toEqual([['/admin/cases', 'Bad-rating cases']]);
    expect(sectionsFor(['cases:work', 'cases:review']).map((section) => section.key)).not.toContain('cases');
  });

  it('marks the section a page belongs to, including the paths it holds beside its own', () => {
    const at = (path: string) => currentSection(all, path)?.key;
    expect(at('/admin/windows/ABCD2345')).toBe('units');
    expect(at('/admin/windows')).toBe('units');
    expect(at('/admin/units/import')).toBe('imports');
    expect(at('/admin/units/u-1')).toBe('units');
    expect(at('/admin/staff/s-1')).toBe('staff');
    expect(at('/admin/halls/')).toBe('halls');
    expect(at('/admin/reports/comments')).toBe('comments');
    expect(at('/admin/rounds/r-3f9a1c0d7e5b2a48')).toBe('rounds');
    const withAppraisal = sectionsFor(['results:read', 'appraisal:read']);
    expect(currentSection(withAppraisal, '/admin/appraisal/a-3f9a1c0d7e5b2a48')?.key).toBe('appraisal');
    expect(currentSection(withAppraisal, '/admin/appraisal/new')?.key).toBe('appraisal');
    expect(at('/admin')).toBe('home');
    expect(at('/login')).toBeUndefined();
  });
});

describe('the unit breadcrumb', () => {
  const ancestors = [
    { id: 'province', name: '江南省' },
    { id: 'city', name: '清河市' },
    { id: 'county', name: '临江县' },
  ];

  it('links the scope root and the units below it, and only names the ones above', () => {
    const trail = unitTrail(ancestors, { id: 'tax', name: '税务局' }, 'county');
    expect(trail.map((crumb) => [crumb.name, crumb.linked])).toEqual([
      ['江南省', false],
      ['清河市', false],
      ['临江县', true],
      ['税务局', true],
    ]);
  });

  it('links everything for a scope at the root, and only the unit itself when the scope is not on the path', () => {
    expect(unitTrail(ancestors, { id: 'tax', name: '税务局' }, 'province').every((crumb) => crumb.linked)).toBe(true);
    expect(unitTrail(ancestors, { id: 'tax', name: '税务局' }, 'elsewhere').map((crumb) => crumb.linked)).toEqual([false, false, false, true]);
    expect(unitTrail([], { id: 'county', name: '临江县' }, 'county')).toEqual([{ id: 'county', name: '临江县', linked: true }]);
  });
});
