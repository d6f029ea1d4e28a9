import { effectiveDeadlines, type CaseDeadlines } from '#shared/domain/cases/deadlines.js';
import type { CaseStore } from './cases/cases.js';
import type { SurveyStore } from './surveys.js';
import type { UnitStore } from './units.js';
import type { WindowStore } from './windows.js';

/**
 * A small in-process read-through cache for the lookups of the rating hot path (the window, and
 * the survey section that applies to it). In a warm Lambda (or the local gateway) a busy window
 * is then read once per TTL instead of once per rating: two DynamoDB round trips less per rating.
 *
 * Staleness is bounded by the TTL (10 s): a window deactivated, or a section published, takes at
 * most that long to reach every warm function. Misses are not cached, so a new window works at
 * once; only entries of windows that exist are kept, and the map is bounded.
 */
export const READ_CACHE_TTL_MS = 10_000;
const MAX_ENTRIES = 5_000;

export function ttlCache<V>(ttlMs: number, clock: () => number = Date.now) {
  const entries = new Map<string, { value: Promise<V>; expires: number }>();
  return {
    /** Drop an entry (its record changed here): the next get reads afresh. */
    forget(key: string): void {
      entries.delete(key);
    },
    get(key: string, load: () => Promise<V>): Promise<V> {
      const now = clock();
      const hit = entries.get(key);
      if (hit && hit.expires > now) return hit.value;
      if (entries.size >= MAX_ENTRIES) entries.clear();
      const value = load();
      entries.set(key, { value, expires: now + ttlMs });
      // A failed or empty load is not remembered.
      value.then(
        (result) => {
          if (result === undefined) entries.delete(key);
        },
        () => entries.delete(key),
      );
      return value;
    },
  };
}

type Lookups = {
  windows: Pick<WindowStore, 'get'>;
  units: Pick<UnitStore, 'get'>;
  surveys?: Pick<SurveyStore, 'currentForUnits' | 'getVersionById'> | undefined;
  /** The 差评 deadlines that apply to the unit at a path (a 差评 opens its case with them). */
  caseDeadlines?: ((path: readonly string[]) => Promise<CaseDeadlines>) | undefined;
};

type Stores = Lookups & { cases?: Pick<CaseStore, 'deadlineSettings'> | undefined };

export function cachedRatingLookups<T extends Stores>(deps: T, ttlMs: number = READ_CACHE_TTL_MS, clock?: () => number): Lookups {
  const windows = ttlCache<Awaited<ReturnType<WindowStore['get']>>>(ttlMs, clock);
  const units = ttlCache<Awaited<ReturnType<UnitStore['get']>>>(ttlMs, clock);
  const sections = ttlCache<Awaited<ReturnType<SurveyStore['currentForUnits']>>>(ttlMs, clock);
  const versions = ttlCache<Awaited<ReturnType<SurveyStore['getVersionById']>>>(ttlMs, clock);
  const deadlines = ttlCache<CaseDeadlines>(ttlMs, clock);
  const surveys = deps.surveys;
  const cases = deps.cases;
  return {
    windows: { get: (code) => windows.get(code, () => deps.windows.get(code)) },
    units: { get: (id) => units.get(id, () => deps.units.get(id)) },
    surveys: surveys && {
      currentForUnits: (unitIds) => sections.get(unitIds.join('|'), () => surveys.currentForUnits(unitIds)),
      getVersionById: (surveyId, version) => versions.get(`${surveyId}#${version}`, () => surveys.getVersionById(surveyId, version)),
    },
    caseDeadlines: cases && ((path) => deadlines.get(path.join('/'), async () => effectiveDeadlines(path, await cases.deadlineSettings(path)).deadlines)),
  };
}

const shared = new WeakMap<object, Lookups>();

/**
 * The cached lookups of one set of stores (a runtime: a warm Lambda's, the local gateway's), made
 * once and shared by every hot route of it — a window rating, a link rating, a 办件 push.
 */
export function sharedRatingLookups<T extends Stores>(deps: T): Lookups {
  let found = shared.get(deps);
  if (!found) shared.set(deps, (found = cachedRatingLookups(deps)));
  return found;
}
