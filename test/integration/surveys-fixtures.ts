import type { Principal } from '../../functions/src/auth/principal.js';
import type { Runtime } from '../../functions/src/runtime.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { seedWriter } from '../../infra/local/seed.js';

/**
 * A small tree for the survey and poster tests: 省 root → 县 dept (two windows, one paused) and a
 * sibling unit out of the dept admin's scope. Names carry markup to prove it is printed as text.
 */
export const SV = {
  root: 'sv-root',
  dept: 'sv-dept',
  other: 'sv-other',
  windows: { open: 'svopen01', paused: 'svpause1', inherit: 'svinher1', other: 'svother1' },
  hostileName: '<img src=x onerror=alert(1)>窗口',
} as const;

export async function putSurveyTree(runtime: Runtime): Promise<void> {
  const d = seedWriter(runtime);
  await d.putUnit({ id: SV.root, name: '测试市', parentId: null, path: [SV.root] });
  await d.putUnit({ id: SV.dept, name: '测试县人社局', parentId: SV.root, path: [SV.root, SV.dept] });
  await d.putUnit({ id: SV.other, name: '测试县医保局', parentId: SV.root, path: [SV.root, SV.other] });
  await d.putHall({ id: 'sv-hall', unitId: SV.root, name: '测试大厅', address: '测试路1号' });
  await d.putStaff({ id: 'sv-staff', unitId: SV.dept, staffNo: 'SV01', name: '李明', post: '社保经办', duties: '参保登记', pledge: '一次告知，限时办结。', partyMember: true });
  const window = (code: string, unitId: string, name: string, active = true) =>
    d.putWindow({ code, unitId, hallId: 'sv-hall', name, active, staffOnDutyIds: ['sv-staff'], surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
  await window(SV.windows.open, SV.dept, SV.hostileName);
  await window(SV.windows.paused, SV.dept, '暂停窗口', false);
  await window(SV.windows.inherit, SV.root, '市级窗口');
  await window(SV.windows.other, SV.other, '医保窗口');
}

export const deptAdmin: Principal = { username: 'sv.dept-admin', role: 'unit-admin', unitId: SV.dept };
export const systemAdmin: Principal = { username: 'sv.admin', role: 'system-admin', unitId: SV.root };
export const committee: Principal = { username: 'sv.committee', role: 'committee', unitId: SV.dept };
