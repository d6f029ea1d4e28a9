/**
 * The burst detector of the anti-stuffing work (docs/decisions/0016-burst-detector.md): a window
 * whose ratings in one hour are far above its usual rate for that hour of the week flags the
 * ratings past a threshold as 可疑评价 (suspect). Pure arithmetic; the data layer keeps one count per
 * window and hour (for about a day) and one baseline per window (a weighted mean per hour of week).
 *
 * Worked example (factor 3, floor 20, learning rate 0.25): a window whose Monday 10:00–11:00 hour
 * usually sees 8 ratings has threshold max(20, ⌈3 × 8⌉) = 24, so ratings 25, 26, … of that hour are
 * flagged. After a Monday with 12 ratings in that hour the usual rate becomes 0.75 × 8 + 0.25 × 12 = 9;
 * after a Monday with 100 it becomes 0.75 × 8 + 0.25 × 24 = 12 (only what stayed under the threshold
 * is learned).
 */

/** Hours in a week: the baseline has one slot per hour of the week, Monday 00:00 China time first. */
export const HOURS_PER_WEEK = 168;

export interface BurstPolicy {
  /** A rating is suspect once its window's hour holds more than `factor` × the usual rate … */
  factor: number;
  /** … and more than `floor` ratings (new windows, nights and quiet hours have a usual rate near 0). */
  floor: number;
  /** Weight of the latest week in the usual rate (exponentially weighted mean). */
  learningRate: number;
}

export const DEFAULT_BURST_POLICY: BurstPolicy = { factor: 3, floor: 20, learningRate: 0.25 };

/** Hours since the Unix epoch of the hour an instant falls in. China time is UTC+8 whole hours, so UTC and China hours share their boundaries. */
export function hourIndex(instant: Date): number {
  return Math.floor(instant.getTime() / 3_600_000);
}

/** The hour of the week (0 = Monday 00:00–01:00 China time … 167 = Sunday 23:00–24:00) of an hour index. */
export function hourOfWeek(hour: number): number {
  const chinaHour = hour + 8;
  const day = Math.floor(chinaHour / 24);
  // 1970-01-01 (day 0) was a Thursday: three days after Monday.
  return (((day + 3) % 7) + 7) % 7 * 24 + (((chinaHour % 24) + 24) % 24);
}

/** The usual ratings per hour of a window: one slot per hour of the week (null: never observed). */
export interface BurstBaseline {
  usual: (number | null)[];
  /** The last hour index folded in: every hour up to it is in `usual`, none after. */
  through: number;
}

/** How many ratings of one hour pass before the rest are suspect. */
export function burstThreshold(usual: number | null | undefined, policy: BurstPolicy): number {
  return Math.max(policy.floor, Math.ceil(policy.factor * (usual ?? 0)));
}

/** A window idle longer than this folds only its last four weeks (older hours change the mean by < 1 %). */
const MAX_FOLD_HOURS = 4 * HOURS_PER_WEEK;

/**
 * The baseline after folding in every hour before `currentHour` not yet folded: `counts` holds the
 * ratings of hours that had any (by hour index); a missing hour had none. The current hour is never
 * folded (it is still counting). Rounded to hundredths so the stored mean is short.
 */
export function foldBaseline(baseline: BurstBaseline | undefined, counts: ReadonlyMap<number, number>, currentHour: number, policy: BurstPolicy): BurstBaseline {
  const usual = baseline ? [...baseline.usual] : new Array<number | null>(HOURS_PER_WEEK).fill(null);
  const earliest = baseline ? baseline.through + 1 : Math.min(currentHour, ...[...counts.keys()]);
  const from = Math.max(earliest, currentHour - MAX_FOLD_HOURS);
  for (let hour = from; hour < currentHour; hour++) {
    const slot = hourOfWeek(hour);
    const before = usual[slot] ?? null;
    // Only what stayed under the threshold is learned: a burst (or a patient attacker) cannot
    // raise the usual rate by more than the threshold allows, whatever it sent.
    const seen = Math.min(counts.get(hour) ?? 0, burstThreshold(before, policy));
    usual[slot] = before === null ? seen : Math.round(((1 - policy.learningRate) * before + policy.learningRate * seen) * 100) / 100;
  }
  return { usual, through: Math.max(baseline?.through ?? currentHour - 1, currentHour - 1) };
}
