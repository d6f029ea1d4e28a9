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

const rude: CountedRating = { level: 2, channel: 'window-qr', servedBy: 's1', serviceItem: '社保卡补办', reasons: ['RUDE', 'SLOW'] };
const plain: CountedRating = { level: 5, channel: 'window-qr', servedBy: 's1' };
/** 不确定: the resident did not say who served them. */
const unsure: CountedRating = { level: 2, channel: 'window-qr', serviceItem: '社保卡补办', reasons: ['RUDE'] };

describe('ratingCounterNames', () => {
  it('adds to the all-channel level, the channel level, the attributed count and the ONE staff member named, the service item and each reason', () => {
    expect(ratingCounterNames(rude)).toEqual([
      'c2',
      'window-qr|c|2',
      'window-qr|at|2',
      'window-qr|sv|s1|2',
      'window-qr|si|社保卡补办|2',
      'window-qr|rs|RUDE',
      'window-qr|rs|SLOW',
    ]);
  });

  it('counts a 不确定 rating for the window only: no attributed count, no staff counter', () => {
    const names = ratingCounterNames(unsure);
    expect(names).toEqual(['c2', 'window-qr|c|2', 'window-qr|si|社保卡补办|2', 'window-qr|rs|RUDE']);
    expect(names.some((name) => /\|(at|sv|st)\|/.test(name))).toBe(false);
  });

  it("counts a rating without a service item under '' and never names a counter twice", () => {
    const names = ratingCounterNames({ level: 4, channel: 'window-qr', servedBy: 's1', reasons: ['SLOW', 'SLOW'] });
    expect(names).toEqual(['c4', 'window-qr|c|4', 'window-qr|at|4', 'window-qr|sv|s1|4', 'window-qr|si||4', 'window-qr|rs|SLOW']);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('recountCounters and channelsOf', () => {
  it('sums ratings into counters that parse back into per-channel breakdowns', () => {
    const counters = recountCounters([rude, plain, plain, { ...rude, serviceItem: 'a|b', servedBy: 's|2' }, { ...unsure, serviceItem: undefined, reasons: [] }]);
    expect(levelCountsOf(counters)).toEqual({ 1: 0, 2: 3, 3: 0, 4: 0, 5: 2 });
    expect(channelsOf(counters)).toEqual({
      'window-qr': {
        counts: { 1: 0, 2: 3, 3: 0, 4: 0, 5: 2 },
        attributed: { 1: 0, 2: 2, 3: 0, 4: 0, 5: 2 },
        staff: { s1: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 2 }, 's|2': { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0 } },
        serviceItems: {
          '社保卡补办': { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0 },
          'a|b': { 1: 0, 2: 1, 3: 0, 4: 0, 5: 0 },
          '': { 1: 0, 2: 1, 3: 0, 4: 0, 5: 2 },
        },
        reasons: { RUDE: 2, SLOW: 2 },
        suspect: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
      },
    });
  });

  it('counts a 可疑评价 (burst detector) apart: in its own per-level counter and in no count, breakdown, reason or comment count', () => {
    const flagged: CountedRating = { ...rude, comment: '很好', suspect: true };
    expect(ratingCounterNames(flagged)).toEqual(['window-qr|sp|2']);
    const counters = recountCounters([plain, flagged, { ...flagged, level: 5 }]);
    expect(levelCountsOf(counters)).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 });
    expect(channelsOf(counters)!['window-qr']).toEqual({
      counts: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 },
      attributed: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 },
      staff: { s1: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 } },
      serviceItems: { '': { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 } },
      reasons: {},
      suspect: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 },
    });
    expect(totalsOfItem(counters)).toEqual({ counts: levelCountsOf(counters), channels: channelsOf(counters) });
  });

  it('has no channels for a totals item written before issue 4', () => {
    expect(channelsOf(countersOfItem({ pk: 'x', sk: 'y', windowCode: 'w', day: '2026-01-01', c5: 3 }))).toBeUndefined();
  });

  it('ignores unknown channels and malformed names rather than guessing', () => {
    expect(channelsOf({ 'sampled|c|5': 1, 'window-qr|c|9': 1, 'window-qr|sv|nolevel': 1, 'window-qr|at|7': 1 })).toBeUndefined();
  });

  it('never reads the legacy on-duty counters (st) as attributions, but keeps them counters so that the recount removes them', () => {
    const legacy = countersOfItem({ pk: 'p', sk: 's', windowCode: 'w', day: 'd', c2: 1, 'window-qr|c|2': 1, 'window-qr|st|s1|2': 1, 'window-qr|st|s2|2': 1 });
    expect(channelsOf(legacy)!['window-qr']).toMatchObject({ attributed: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }, staff: {} });
    // The same rating recounted (stored before attribution, so it names nobody): the on-duty counters are drift to remove.
    expect(compareCounters(legacy, recountCounters([{ level: 2, channel: 'window-qr' }]))).toEqual([
      { name: 'window-qr|si||2', stored: 0, recounted: 1 },
      { name: 'window-qr|st|s1|2', stored: 1, recounted: 0 },
      { name: 'window-qr|st|s2|2', stored: 1, recounted: 0 },
    ]);
  });
});

describe('compareCounters', () => {
  it('reports each counter that differs, treating 0 and absent alike', () => {
    const stored = countersOfItem({ pk: 'p', sk: 's', windowCode: 'w', day: 'd', c5: 2, c1: 0, 'window-qr|rs|RUDE': 1 });
    const recounted = recountCounters([plain]);
    expect(compareCounters(stored, recounted)).toEqual([
      { name: 'c5', stored: 2, recounted: 1 },
      { name: 'window-qr|at|5', stored: 0, recounted: 1 },
      { name: 'window-qr|c|5', stored: 0, recounted: 1 },
      { name: 'window-qr|rs|RUDE', stored: 1, recounted: 0 },
      { name: 'window-qr|si||5', stored: 0, recounted: 1 },
      { name: 'window-qr|sv|s1|5', stored: 0, recounted: 1 },
    ]);
    expect(compareCounters(recounted, recountCounters([plain]))).toEqual([]);
  });
});

describe('totalsOfItem', () => {
  const names = [
    'c1', 'c2', 'c3', 'c4', 'c5', 'c0', 'c6', 'c55', 'pk', 'sk', 'day', 'windowCode',
    'window-qr|c|1', 'window-qr|c|5', 'window-qr|c|9', 'window-qr|c|', 'sampled|c|4', 'window-qr|x|3',
    'window-qr|st|s1|2', 'window-qr|st|s|x|5', 'window-qr|st|nolevel', 'window-qr|sv|s1|2', 'window-qr|sv|s|x|5', 'window-qr|sv|nolevel',
    'window-qr|at|2', 'window-qr|at|5', 'window-qr|at|', 'window-qr|at|2|x', 'window-qr|si||5', 'window-qr|si|社保卡补办|1',
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
