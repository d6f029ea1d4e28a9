import { describe, expect, it } from 'vitest';
import { burstThreshold, DEFAULT_BURST_POLICY, foldBaseline, hourIndex, hourOfWeek, HOURS_PER_WEEK } from './burst.js';

const policy = DEFAULT_BURST_POLICY;
const at = (iso: string) => hourIndex(new Date(iso));

describe('hourOfWeek', () => {
  it('counts from Monday 00:00 China time', () => {
    // 2026-12-07 is a Monday; 00:30 in Beijing is 2026-12-06T16:30Z.
    expect(hourOfWeek(at('2026-12-06T16:30:00Z'))).toBe(0);
    expect(hourOfWeek(at('2026-12-06T15:59:59Z'))).toBe(167);
    // Monday 10:00–11:00 Beijing.
    expect(hourOfWeek(at('2026-12-07T02:15:00Z'))).toBe(10);
    // Wednesday 14:xx Beijing.
    expect(hourOfWeek(at('2026-12-09T06:00:00Z'))).toBe(2 * 24 + 14);
  });

  it('repeats every week and covers every slot once', () => {
    const start = at('2026-12-06T16:00:00Z');
    const slots = Array.from({ length: HOURS_PER_WEEK }, (_, i) => hourOfWeek(start + i));
    expect(new Set(slots).size).toBe(HOURS_PER_WEEK);
    expect(hourOfWeek(start + 37 + HOURS_PER_WEEK * 9)).toBe(37);
  });
});

describe('burstThreshold', () => {
  it('is factor × usual, never below the floor', () => {
    expect(burstThreshold(null, policy)).toBe(20);
    expect(burstThreshold(0, policy)).toBe(20);
    expect(burstThreshold(8, policy)).toBe(24);
    expect(burstThreshold(8.1, policy)).toBe(25);
    expect(burstThreshold(3, { ...policy, floor: 5 })).toBe(9);
  });
});

describe('foldBaseline', () => {
  const monday10 = at('2026-12-07T02:00:00Z');

  it('starts a new window with nothing folded and the floor as threshold', () => {
    const baseline = foldBaseline(undefined, new Map(), monday10, policy);
    expect(baseline.through).toBe(monday10 - 1);
    expect(baseline.usual.every((slot) => slot === null)).toBe(true);
  });

  it('takes the first week as observed, then weights each new week by the learning rate', () => {
    let baseline = foldBaseline(undefined, new Map(), monday10, policy);
    baseline = foldBaseline(baseline, new Map([[monday10, 8]]), monday10 + 1, policy);
    expect(baseline.usual[10]).toBe(8);
    expect(baseline.through).toBe(monday10);
    // A week later, 12 in the same hour: 0.75 × 8 + 0.25 × 12 = 9; the hours between folded as 0.
    const nextMonday10 = monday10 + HOURS_PER_WEEK;
    baseline = foldBaseline(baseline, new Map([[nextMonday10, 12]]), nextMonday10 + 1, policy);
    expect(baseline.usual[10]).toBe(9);
    expect(baseline.usual[11]).toBe(0);
    expect(baseline.usual[9]).toBe(0);
    expect(burstThreshold(baseline.usual[10], policy)).toBe(27);
  });

  it('never folds the current hour, and folding twice changes nothing', () => {
    const start = foldBaseline(undefined, new Map(), monday10, policy);
    const counts = new Map([[monday10, 5], [monday10 + 1, 7]]);
    const once = foldBaseline(start, counts, monday10 + 1, policy);
    expect(once.usual[11]).toBe(null);
    expect(foldBaseline(once, new Map(), monday10 + 1, policy)).toEqual(once);
  });

  it('learns from a burst no more than its threshold: an attack cannot teach itself a higher one', () => {
    // A new window's first Monday: 100 ratings, threshold 20 (the floor) → usual 20, not 100.
    let baseline = foldBaseline(undefined, new Map([[monday10, 100]]), monday10 + 1, policy);
    expect(baseline.usual[10]).toBe(20);
    // The next Monday 1,000: threshold 60 → 0.75 × 20 + 0.25 × 60 = 30.
    baseline = foldBaseline(baseline, new Map([[monday10 + HOURS_PER_WEEK, 1000]]), monday10 + HOURS_PER_WEEK + 1, policy);
    expect(baseline.usual[10]).toBe(30);
  });

  it('folds at most four weeks of a window idle for a year', () => {
    const start = foldBaseline(undefined, new Map([[monday10, 16]]), monday10 + 1, policy);
    const later = foldBaseline(start, new Map(), monday10 + 52 * HOURS_PER_WEEK, policy);
    // Four quiet Mondays: 16 × 0.75^4 = 5.06.
    expect(later.usual[10]).toBeCloseTo(5.06, 1);
    expect(later.through).toBe(monday10 + 52 * HOURS_PER_WEEK - 1);
  });
});
