import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channelsOf,
  compareCounters,
  countersOfItem,
  levelCountsOf,
  ratingCounterNames,
  recountCounters,
  totalsOfItem,
  type CountedRating,
} from './window-day-counters.js';

const rude: CountedRating = { level: 2, channel: 'window-qr', staffIds: ['s1', 's2'], serviceItem: '社保卡补办', reasons: ['RUDE', 'SLOW'] };
const plain: CountedRating = { level: 5, channel: 'window-qr', staffIds: ['s1'] };

describe('ratingCounterNames', () => {
  it('adds to the all-channel level, the channel level, each staff on duty, the service item and each reason', () => {
    expect(ratingCounterNames(rude)).toEqual([
      'c2',
      'window-qr|c|2',
      'window-qr|st|s1|2',
      'window-qr|st|s2|2',
      'window-qr|si|社保卡补办|2',
      'window-qr|rs|RUDE',
      'window-qr|rs|SLOW',
    ]);
  });

  it("counts a rating without a service item under '' and never names a counter twice", () => {
    const names = ratingCounterNames({ level: 4, channel: 'window-qr', staffIds: ['s1', 's1'], reasons: [] });
    expect(names).toEqual(['c4', 'window-qr|c|4', 'window-qr|st|s1|4', 'window-qr|si||4']);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('recountCounters and channelsOf', () => {
  it('sums ratings into counters that parse back into per-channel breakdowns', () => {
    const counters = recountCounters([rude, plain, plain, { ...rude, serviceItem: 'a|b', staffIds: [] }]);
    expect(levelCountsOf(counters)).toEqual({ 1: 0, 2: 2, 3: 0, 4: 0, 5: 2 });
    expect(channelsOf(counters)).toEqual({
      'window-qr': {
        counts: { 1: 0, 2: 2, 3: 0, 4: 0, 5: 2 },
        staff: { s1: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 2 }, s2: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0 } },
        serviceItems: {
          '社保卡补办': { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0 },
          'a|b': { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0 },
          '': { 1: 0, 2: 0, 3: 0, 4: 0, 5: 2 },
        },
        reasons: { RUDE: 2, SLOW: 2 },
      },
    });
  });

  it('has no channels for a totals item written before issue 4', () => {
    expect(channelsOf(countersOfItem({ pk: 'x', sk: 'y', windowCode: 'w', day: '2026-01-01', c5: 3 }))).toBeUndefined();
  });

  it('ignores unknown channels and malformed names rather than guessing', () => {
    expect(channelsOf({ 'sampled|c|5': 1, 'window-qr|c|9': 1, 'window-qr|st|nolevel': 1 })).toBeUndefined();
  });
});

describe('compareCounters', () => {
  it('reports each counter that differs, treating 0 and absent alike', () => {
    const stored = countersOfItem({ pk: 'p', sk: 's', windowCode: 'w', day: 'd', c5: 2, c1: 0, 'window-qr|rs|RUDE': 1 });
    const recounted = recountCounters([plain]);
    expect(compareCounters(stored, recounted)).toEqual([
      { name: 'c5', stored: 2, recounted: 1 },
      { name: 'window-qr|c|5', stored: 0, recounted: 1 },
      { name: 'window-qr|rs|RUDE', stored: 1, recounted: 0 },
      { name: 'window-qr|si||5', stored: 0, recounted: 1 },
      { name: 'window-qr|st|s1|5', stored: 0, recounted: 1 },
    ]);
    expect(compareCounters(recounted, recountCounters([plain]))).toEqual([]);
  });
});

describe('totalsOfItem', () => {
  const names = [
    'c1', 'c2', 'c3', 'c4', 'c5', 'c0', 'c6', 'c55', 'pk', 'sk', 'day', 'windowCode',
    'window-qr|c|1', 'window-qr|c|5', 'window-qr|c|9', 'window-qr|c|', 'sampled|c|4', 'window-qr|x|3',
    'window-qr|st|s1|2', 'window-qr|st|s|x|5', 'window-qr|st|nolevel', 'window-qr|si||5', 'window-qr|si|社保卡补办|1',
    'window-qr|si|a|b|3', 'window-qr|rs|RUDE', 'window-qr|rs|', 'window-qr|rs|a|b', 'Window-qr|c|1', '|c|1', 'window-qr',
  ];

  it('reads an item exactly as countersOfItem + levelCountsOf + channelsOf do, plain or as attribute values (2,000 items, fixed seed)', () => {
    const items = fc.dictionary(fc.constantFrom(...names), fc.constantFrom(0, 1, 2, 7, 30), { maxKeys: 12 });
    fc.assert(
      fc.property(items, (counters) => {
        const item: Record<string, unknown> = { pk: 'TOTALS#WINDOW#w', sk: 'DAY#2026-10-01', day: '2026-10-01', windowCode: 'w', ...counters };
        const read = countersOfItem(item);
        const channels = channelsOf(read);
        const expected = { counts: levelCountsOf(read), ...(channels ? { channels } : {}) };
        expect(totalsOfItem(item)).toEqual(expected);
        // As the totals reader passes it: attribute values straight from DynamoDB.
        const wire = Object.fromEntries(Object.entries(item).map(([name, value]) => [name, typeof value === 'number' ? { N: String(value) } : { S: String(value) }]));
        expect(totalsOfItem(wire)).toEqual(expected);
      }),
      { seed: 20261204, numRuns: 2000 },
    );
  });
});
