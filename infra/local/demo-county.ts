import type { HallRecord } from '../../functions/src/data/halls.js';
import type { StaffRecord } from '../../functions/src/data/staff.js';
import type { UnitRecord } from '../../functions/src/data/units.js';
import type { WindowRecord } from '../../functions/src/data/windows.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';

/**
 * The demo county: a deterministic unit tree (省 → 市 → 县 → 部门), two service halls, fourteen
 * windows with staff. Everything derives from a fixed seed, so every machine gets the same codes.
 */
export const DEMO_SEED = 20261122;

/** mulberry32: a small, well-known 32-bit PRNG; good enough for demo data, fixed by the seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
function code(random: () => number, length = 8): string {
  return Array.from({ length }, () => CODE_ALPHABET[Math.floor(random() * CODE_ALPHABET.length)]).join('');
}

export interface DemoCounty {
  units: UnitRecord[];
  halls: HallRecord[];
  staff: StaffRecord[];
  windows: WindowRecord[];
  /** Per window, the probability of each level 5..1 (how good the demo window is). */
  quality: Map<string, number[]>;
}

const unitTree: [id: string, name: string, parentId: string | null][] = [
  ['jn', '江南省', null],
  ['jn-qh', '清河市', 'jn'],
  ['jn-qh-lj', '临江县', 'jn-qh'],
  ['lj-zwfw', '临江县政务服务中心', 'jn-qh-lj'],
  ['lj-scjg', '临江县市场监督管理局', 'jn-qh-lj'],
  ['lj-rs', '临江县人力资源和社会保障局', 'jn-qh-lj'],
  ['lj-ga', '临江县公安局', 'jn-qh-lj'],
  ['lj-bdc', '临江县不动产登记中心', 'jn-qh-lj'],
  ['lj-yb', '临江县医疗保障局', 'jn-qh-lj'],
  ['lj-sw', '国家税务总局临江县税务局', 'jn-qh-lj'],
];

const windowPlan: [unitId: string, hallId: string, name: string, post: string, duties: string][] = [
  ['lj-zwfw', 'hall-main', '综合受理1号窗口', '综合受理员', '一窗受理、材料初审、告知承诺'],
  ['lj-zwfw', 'hall-main', '综合受理2号窗口', '综合受理员', '一窗受理、材料初审、告知承诺'],
  ['lj-zwfw', 'hall-main', '帮办代办窗口', '帮办代办员', '为老年人、残疾人提供帮办代办'],
  ['lj-scjg', 'hall-main', '企业开办窗口', '登记注册员', '营业执照设立、变更、注销登记'],
  ['lj-scjg', 'hall-main', '食品经营许可窗口', '许可审查员', '食品经营许可申请与变更'],
  ['lj-ga', 'hall-main', '户籍办理窗口', '户籍民警', '户口迁移、出生登记、身份证办理'],
  ['lj-ga', 'hall-main', '出入境窗口', '出入境民警', '护照、港澳通行证申领'],
  ['lj-bdc', 'hall-main', '不动产登记窗口', '登记员', '不动产转移、抵押登记'],
  ['lj-sw', 'hall-main', '税费综合窗口', '税务专员', '发票领用、税费申报辅导'],
  ['lj-sw', 'hall-main', '社保费缴纳窗口', '税务专员', '城乡居民社保费缴纳'],
  ['lj-rs', 'hall-social', '社保经办窗口', '社保经办员', '参保登记、缴费基数核定'],
  ['lj-rs', 'hall-social', '养老待遇窗口', '待遇审核员', '养老金申领、资格认证'],
  ['lj-rs', 'hall-social', '就业服务窗口', '就业指导员', '失业登记、就业补贴申请'],
  ['lj-yb', 'hall-main', '医保报销窗口', '医保经办员', '异地就医备案、医疗费用报销'],
];

/**
 * 事项 per demo window (by name), so that ratings can name one and reports break down by it. Kept
 * out of the seeded random stream: the window codes the README lists must not change.
 */
const serviceItemsByWindow: Record<string, string[]> = {
  综合受理1号窗口: ['企业投资项目备案', '居民身份证明开具', '残疾人证办理'],
  综合受理2号窗口: ['企业投资项目备案', '居民身份证明开具', '残疾人证办理'],
  帮办代办窗口: ['老年人优待证办理', '代办社保卡补办'],
  企业开办窗口: ['营业执照设立登记', '营业执照变更登记', '营业执照注销登记'],
  食品经营许可窗口: ['食品经营许可申请', '食品经营许可变更'],
  户籍办理窗口: ['户口迁移', '出生登记', '居民身份证申领'],
  出入境窗口: ['普通护照申领', '往来港澳通行证申领'],
  不动产登记窗口: ['不动产转移登记', '不动产抵押登记'],
  税费综合窗口: ['发票领用', '税费申报辅导'],
  社保费缴纳窗口: ['城乡居民养老保险费缴纳', '城乡居民医疗保险费缴纳'],
  社保经办窗口: ['参保登记', '缴费基数核定'],
  养老待遇窗口: ['养老金申领', '养老金领取资格认证'],
  就业服务窗口: ['失业登记', '就业补贴申请'],
  医保报销窗口: ['异地就医备案', '医疗费用报销'],
};

const familyNames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '马', '胡'];
const givenNames = ['静', '磊', '芳', '伟', '敏', '洋', '丽', '军', '婷', '强', '霞', '杰', '娟', '涛', '艳', '勇'];
const pledges = [
  '首问负责，一次告知，限时办结。',
  '热情接待每一位群众，让您少跑腿、好办事。',
  '材料齐全当场办结，材料不全一次性告知。',
  '不推诿、不拖延，有问必答、有诉必应。',
];

export function demoCounty(seed: number = DEMO_SEED): DemoCounty {
  const random = seededRandom(seed);
  const byId = new Map<string, UnitRecord>();
  const units = unitTree.map(([id, name, parentId]) => {
    const parent = parentId ? byId.get(parentId) : undefined;
    const unit: UnitRecord = { id, name, parentId, path: [...(parent?.path ?? []), id] };
    byId.set(id, unit);
    return unit;
  });
  const halls: HallRecord[] = [
    // The county's hall hosts the windows of every department, so it belongs to the county itself:
    // a window may be in a hall of its own unit or of an ancestor (functions/src/use-cases/org/halls.ts).
    { id: 'hall-main', unitId: 'jn-qh-lj', name: '临江县政务服务中心大厅', address: '临江县滨江大道88号' },
    { id: 'hall-social', unitId: 'lj-rs', name: '临江县社保医保服务大厅', address: '临江县人民路16号' },
  ];
  const staff: StaffRecord[] = [];
  const windows: WindowRecord[] = [];
  const quality = new Map<string, number[]>();
  windowPlan.forEach(([unitId, hallId, name, post, duties], index) => {
    const onDuty: string[] = [];
    const people = index % 4 === 0 ? 2 : 1;
    for (let p = 0; p < people; p++) {
      const id = `staff-${String(staff.length + 1).padStart(3, '0')}`;
      staff.push({
        id,
        unitId,
        staffNo: `LJ${String(1001 + staff.length)}`,
        name: `${familyNames[Math.floor(random() * familyNames.length)]}${givenNames[Math.floor(random() * givenNames.length)]}${random() < 0.5 ? givenNames[Math.floor(random() * givenNames.length)] : ''}`,
        post,
        duties,
        pledge: pledges[Math.floor(random() * pledges.length)]!,
        partyMember: random() < 0.4,
      });
      onDuty.push(id);
    }
    const windowCode = code(random);
    windows.push({
      code: windowCode,
      unitId,
      hallId,
      name,
      active: true,
      staffOnDutyIds: onDuty,
      serviceItems: (serviceItemsByWindow[name] ?? []).map((item) => ({ name: item })),
      surveyId: NATIONAL_SURVEY.surveyId,
      surveyVersion: NATIONAL_SURVEY.version,
    });
    // Most windows are good; a couple are noticeably worse, so the demo has 差评 to look at.
    const weak = index === 7 || index === 12;
    quality.set(windowCode, weak ? [0.35, 0.25, 0.15, 0.15, 0.1] : [0.62, 0.26, 0.08, 0.03, 0.01]);
  });
  return { units, halls, staff, windows, quality };
}
