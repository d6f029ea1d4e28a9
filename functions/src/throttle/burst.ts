import { burstThreshold, foldBaseline, hourIndex, hourOfWeek, type BurstPolicy } from '#shared/domain/burst.js';
import type { BurstStore } from '../data/burst.js';
import type { BurstCheck } from '../data/ratings.js';

/**
 * The burst detector (docs/decisions/0016-burst-detector.md): for a rating of a window now, the
 * hour it falls in and the threshold of that hour. The first rating of a window in a new hour (per
 * process) folds the finished hours into the window's baseline and deletes their counts; every other
 * rating of that hour is answered from memory, so the hot path costs one conditional counter update
 * inside the rating's own transaction and no read.
 */
export interface BurstWatch {
  policy: BurstPolicy;
  check(windowCode: string, now: Date): Promise<BurstCheck>;
}

const MAX_WINDOWS = 5_000;

export function createBurstWatch(store: BurstStore, policy: BurstPolicy, warn: (message: string) => void = (message) => console.error(message)): BurstWatch {
  const known = new Map<string, Promise<BurstCheck>>();

  async function load(windowCode: string, hour: number): Promise<BurstCheck> {
    let baseline = await store.baseline(windowCode);
    if (!baseline || baseline.through < hour - 1) {
      const counts = await store.hourCounts(windowCode, hour);
      const folded = foldBaseline(baseline, counts, hour, policy);
      // Only the process that saved deletes: a loser's counts were folded by the winner. A failed
      // delete costs no rating: the counts go by TTL within a day, and are never folded twice
      // (the baseline's `through` is past them).
      if (await store.saveBaseline(windowCode, folded, baseline)) {
        await store.deleteHourCounts(windowCode, [...counts.keys()]).catch((error: unknown) => warn(`burst: folded hour counts of a window not deleted (${error instanceof Error ? error.name : 'error'})`));
      }
      baseline = folded;
    }
    return { hour, threshold: burstThreshold(baseline.usual[hourOfWeek(hour)], policy) };
  }

  return {
    policy,
    check(windowCode, now) {
      const hour = hourIndex(now);
      const key = `${windowCode}#${hour}`;
      const hit = known.get(key);
      if (hit) return hit;
      if (known.size >= MAX_WINDOWS) known.clear();
      const loaded = load(windowCode, hour);
      known.set(key, loaded);
      loaded.catch(() => known.delete(key));
      return loaded;
    },
  };
}
