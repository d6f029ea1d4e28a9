import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import type { RatingLevel } from '../../shared/src/domain/rating-level.js';
import type { Gateway } from '../../infra/local/gateway.js';
import type { Runtime } from '../../functions/src/runtime.js';
import { mulberry32, postRating, storedRatings } from './fixtures.js';

/**
 * A small county for report tests: 临河县 (rp) with its own window, 甲局 (two windows), 乙局 (one
 * window, few ratings), 丙局 with a 科室 below it; and 远山县 (rq), another tree entirely.
 */
export const TREE = {
  root: { id: 'rp', name: '临河县', parentId: null, path: ['rp'] },
  a: { id: 'rp-a', name: '甲局', parentId: 'rp', path: ['rp', 'rp-a'] },
  b: { id: 'rp-b', name: '乙局', parentId: 'rp', path: ['rp', 'rp-b'] },
  c: { id: 'rp-c', name: '丙局', parentId: 'rp', path: ['rp', 'rp-c'] },
  c1: { id: 'rp-c1', name: '丙局一科', parentId: 'rp-c', path: ['rp', 'rp-c', 'rp-c1'] },
  other: { id: 'rq', name: '远山县', parentId: null, path: ['rq'] },
} as const;

/** Window code → its unit and how many ratings it gets. */
export const WINDOWS = {
  rpself01: { unit: TREE.root, ratings: 12 },
  rpaone01: { unit: TREE.a, ratings: 20 },
  rpatwo01: { unit: TREE.a, ratings: 3 },
  rpbone01: { unit: TREE.b, ratings: 2 },
  rpcone01: { unit: TREE.c1, ratings: 8 },
  rqone001: { unit: TREE.other, ratings: 6 },
} as const;
export type WindowCode = keyof typeof WINDOWS;

export const STAFF = { id: 'rp-staff-1', unitId: 'rp-a', staffNo: 'A001', name: '李敏' } as const;

export async function putReportTree(runtime: Runtime): Promise<void> {
  for (const unit of Object.values(TREE)) await runtime.units.put({ ...unit, path: [...unit.path] });
  await runtime.staff.put({ ...STAFF, post: '受理员', duties: '受理', pledge: '一次告知', partyMember: false });
  for (const [code, { unit }] of Object.entries(WINDOWS)) {
    await runtime.windows.put({
      code,
      unitId: unit.id,
      hallId: '',
      name: `${unit.name}${code.slice(3, 6)}窗口`,
      active: true,
      // 李敏 of 甲局 is on duty at 甲局's first window only.
      staffIds: code === 'rpaone01' ? [STAFF.id] : [],
      staffOnDutyIds: code === 'rpaone01' ? [STAFF.id] : [],
      serviceItems: [{ name: '社保登记' }, { name: '不动产登记' }],
      surveyId: NATIONAL_SURVEY.surveyId,
      surveyVersion: NATIONAL_SURVEY.version,
      unitPath: [...unit.path],
    });
  }
}

/**
 * Ratings through the real rating handler, levels from a fixed seed; 差评 carry a reason. Every other
 * resident of 甲局's first window names 李敏 as the one who served them; everyone else says 不确定.
 */
export async function rateAll(gateway: Gateway, seed = 4): Promise<void> {
  const random = mulberry32(seed);
  for (const [code, { ratings }] of Object.entries(WINDOWS)) {
    for (let i = 0; i < ratings; i++) {
      const level = (1 + Math.floor(random() * 5)) as RatingLevel;
      const body = {
        windowCode: code,
        level,
        ...(level <= 2 ? { reasons: [random() < 0.5 ? 'SLOW' : 'RUDE'] } : {}),
        ...(random() < 0.5 ? { serviceItem: '社保登记' } : {}),
        // Not from the random stream, so the levels and items are those of before attribution.
        ...(code === 'rpaone01' && i % 2 === 0 ? { staffId: STAFF.id } : {}),
      };
      const reply = await postRating(gateway, body);
      if (reply.status !== 201) throw new Error(`rating refused: ${reply.status} ${reply.text}`);
    }
  }
}

/** The raw ratings of a window on a day, read straight from DynamoDB Local (pattern 7), never via totals. */
export async function recount(doc: Parameters<typeof storedRatings>[0], table: string, codes: readonly string[], day: string) {
  const levels: { code: string; level: RatingLevel; servedBy?: string; serviceItem?: string; reasons: string[] }[] = [];
  for (const code of codes) {
    for (const item of await storedRatings(doc, table, code, day)) {
      levels.push({
        code,
        level: Number(item.level) as RatingLevel,
        ...(typeof item.servedBy === 'string' ? { servedBy: item.servedBy } : {}),
        ...(typeof item.serviceItem === 'string' ? { serviceItem: item.serviceItem } : {}),
        reasons: (item.reasons as string[] | undefined) ?? [],
      });
    }
  }
  return levels;
}
