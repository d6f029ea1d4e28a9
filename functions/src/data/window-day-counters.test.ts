import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_COUNTERS } from '#shared/domain/cases/case-metrics.js';
import { keys } from './keys.js';
import {
  CHANNEL_NAME,
  channelsOf,
  compareCounters,
  countersByChannel,
  countersOfItem,
  guardCounterNames,
  levelCountsOf,
  mergeItemTotals,
  RATING_CHANNELS,
  ratingCounterNames,
  recountCounters,
  totalsOfItem,
  upheldCounterNames,
  caseCounterValues,
  type CountedRating,
} from './window-day-counters.js';

const rude: CountedRating = { level: 2, channel: 'window-qr', servedBy: 's1', serviceItem: '社保卡补办', reasons: ['RUDE', 'SLOW'] };
const plain: CountedRating = { level: 5, channel: 'window-qr', servedBy: 's1' };
/** 不确定: the resident did not say who served them. */
const unsure: CountedRating = { level: 2, channel: 'window-qr', serviceItem: '社保卡补办', reasons: ['RUDE'] };

describe('upheld appeals (申诉成立, ap:)', () => {
  it('counts a rating whose appeal was upheld again under ap: — every counter of it but the comment count — and a suspect one not at all', () => {
    const commented = { ...rude, comment: '态度差' };
    expect(upheldCounterNames(commented)).toEqual(ratingCounterNames(rude).map((name) => `ap:${name}`));
    expect(ratingCounterNames({ ...commented, appealUpheld: true })).toEqual([...ratingCounterNames(commented), ...upheldCounterNames(commented)]);
    expect(upheldCounterNames({ ...rude, suspect: true })).toEqual([]);
    expect(ratingCounterNames({ ...rude, suspect: true, appealUpheld: true })).toEqual(['window-qr|sp|2']);
  });

  it('reads the ap: counters as the upheld part of the item, in the same shape, and leaves the rest as it was', () => {
    const counters = recountCounters([rude, plain, { ...unsure, appealUpheld: true }, { ...rude, appealUpheld: true }]);
    const read = totalsOfItem(counters);
    expect(read.counts).toEqual({ 1: 0, 2: 3, 3: 0, 4: 0, 5: 1 });
    expect(read.upheld).toEqual(totalsOfItem(recountCounters([unsure, rude])));
    const { upheld: _upheld, ...rest } = read;
    expect(rest).toEqual(totalsOfItem(recountCounters([rude, plain, unsure, rude])));
    expect(countersOfItem(counters)).toEqual(counters);
    expect(channelsOf(counters)).toEqual(channelsOf(recountCounters([rude, plain, unsure, rude])));
  });

  it('merges the upheld parts of a window-day’s items and puts ap:c{level} in each channel’s item', () => {
    const a = recountCounters([{ ...rude, appealUpheld: true }]);
    const linked: CountedRating = { level: 4, channel: 'sampling', serviceItem: '社保卡补办' };
    const b = recountCounters([{ ...linked, level: 1, appealUpheld: true }, linked]);
    const merged = mergeItemTotals([totalsOfItem(a), totalsOfItem(b)]);
    expect(merged.upheld!.counts).toEqual({ 1: 1, 2: 1, 3: 0, 4: 0, 5: 0 });
    expect(merged.counts).toEqual({ 1: 1, 2: 1, 3: 0, 4: 1, 5: 0 });
    const items = countersByChannel({ ...a, ...b });
    expect(items.get('window-qr')).toMatchObject({ 'ap:c2': 1, 'ap:window-qr|c|2': 1 });
    expect(items.get('sampling')).toMatchObject({ 'ap:c1': 1, 'ap:sampling|c|1': 1 });
    expect(items.get('window-qr')!['ap:c1']).toBeUndefined();
  });
});

describe('差评整改 counters (cs)', () => {
  it('names a case’s counters on its rating’s channel item, reads them back per channel and merges them over items', () => {
    const values = caseCounterValues('window-qr', { opened: 2, handled: 1, 'close-days': 7 });
    expect(values).toEqual({ 'window-qr|cs|opened': 2, 'window-qr|cs|handled': 1, 'window-qr|cs|close-days': 7 });
    const counters = { ...recountCounters([rude]), ...values, 'window-qr|cs|unknown': 3 };
    expect(totalsOfItem(counters).channels!['window-qr']!.cases).toEqual({ opened: 2, handled: 1, 'close-days': 7 });
    expect(channelsOf(countersOfItem(counters))!['window-qr']!.cases).toEqual({ opened: 2, handled: 1, 'close-days': 7 });
    const merged = mergeItemTotals([totalsOfItem(counters), totalsOfItem({ ...recountCounters([plain]), ...caseCounterValues('window-qr', { opened: 1 }) })]);
    expect(merged.channels!['window-qr']!.cases).toEqual({ opened: 3, handled: 1, 'close-days': 7 });
    expect(countersByChannel(values).get('window-qr')).toEqual(values);
  });
});

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
        cases: {},
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
      cases: {},
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

describe('one totals item per channel (0018-totals-per-channel.md)', () => {
  const sampled: CountedRating = { level: 4, channel: 'sampling', serviceItem: '社保卡补办', comment: '好' };

  it('names channels so that the day-range Query (pattern 6) reads every channel item of the last day and nothing of the next', () => {
    const range = keys.windowTotalsDays('2026-01-30', '2026-01-31');
    for (const channel of RATING_CHANNELS) {
      expect(channel).toMatch(CHANNEL_NAME);
      const sk = keys.windowDayTotals('w', '2026-01-31', channel).sk;
      expect(sk > range.from && sk < range.to, sk).toBe(true);
      expect(keys.windowDayTotals('w', '2026-01-30', channel).sk > range.from).toBe(true);
    }
    // Any name CHANNEL_NAME allows sorts below the bound: its characters are all below '~'.
    expect(`DAY#2026-01-31#zzzz-9999` < range.to).toBe(true);
    expect(keys.legacyWindowDayTotals('w', '2026-01-30').sk).toBe(range.from);
    expect(keys.legacyWindowDayTotals('w', '2026-02-01').sk > range.to).toBe(true);
    expect(keys.windowDayTotals('w', '2026-02-01', 'a').sk > range.to).toBe(true);
    expect(keys.windowDayTotals('w', '2026-01-29', 'sampling').sk < range.from).toBe(true);
  });

  it('splits recounted counters into one item per channel, each with its own c{level}', () => {
    const byChannel = countersByChannel(recountCounters([rude, plain, sampled, { ...sampled, suspect: true }]));
    expect([...byChannel.keys()].sort()).toEqual(['sampling', 'window-qr']);
    expect(byChannel.get('sampling')).toEqual({
      c4: 1,
      'sampling|c|4': 1,
      'sampling|si|社保卡补办|4': 1,
      'sampling|cm|n': 1,
      'sampling|sp|4': 1,
    });
    expect(byChannel.get('window-qr')).toEqual(recountCounters([rude, plain]));
    // A channel whose only ratings are suspect still has its item, with no c{level}.
    expect(countersByChannel(recountCounters([{ ...plain, suspect: true }]))).toEqual(new Map([['window-qr', { 'window-qr|sp|5': 1 }]]));
  });

  it('reads a window-day as the sum of its items, whichever layout wrote them', () => {
    const ratings = [rude, plain, plain, sampled, { ...sampled, level: 1 as const, servedBy: 's1', reasons: ['RUDE'] }];
    const combined = totalsOfItem(recountCounters(ratings));
    const perChannel = [...countersByChannel(recountCounters(ratings)).values()].map((counters) => totalsOfItem(counters));
    expect(perChannel).toHaveLength(2);
    expect(mergeItemTotals(perChannel)).toEqual(combined);
    // During the migration: the legacy item holds the first ratings, the channel items the later ones.
    const legacy = totalsOfItem(recountCounters(ratings.slice(0, 2)));
    const later = [...countersByChannel(recountCounters(ratings.slice(2))).values()].map((counters) => totalsOfItem(counters));
    expect(mergeItemTotals([legacy, ...later])).toEqual(combined);
    expect(combined.counts).toEqual({ 1: 1, 2: 1, 3: 0, 4: 1, 5: 2 });
  });

  it('counts a legacy item without breakdowns (before issue 4) as window QR when other items have breakdowns, as alone it has none', () => {
    const old = totalsOfItem({ c5: 3 });
    expect(mergeItemTotals([old])).toEqual({ counts: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 3 } });
    const merged = mergeItemTotals([old, totalsOfItem(recountCounters([plain]))]);
    expect(merged.counts).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 4 });
    expect(merged.channels!['window-qr']).toMatchObject({ counts: { 5: 4 }, attributed: { 5: 1 }, staff: { s1: { 5: 1 } } });
  });

  it('guards an item by the counters every rating written to it changes: c{level}, its suspect counters and each upheld appeal’s ap:c{level}', () => {
    expect([...guardCounterNames('sampling')].sort()).toEqual(
      [
        'ap:c1', 'ap:c2', 'ap:c3', 'ap:c4', 'ap:c5', 'c1', 'c2', 'c3', 'c4', 'c5',
        ...CASE_COUNTERS.map((name) => `sampling|cs|${name}`),
        'sampling|sp|1', 'sampling|sp|2', 'sampling|sp|3', 'sampling|sp|4', 'sampling|sp|5',
      ].sort(),
    );
    expect(guardCounterNames(undefined)).toHaveLength(10 + (5 + CASE_COUNTERS.length) * RATING_CHANNELS.length);
    for (const rating of [rude, plain, sampled, { ...sampled, suspect: true }, { ...rude, suspect: true }]) {
      const touched = ratingCounterNames(rating).filter((name) => guardCounterNames(rating.channel).includes(name));
      expect(touched, JSON.stringify(rating)).toHaveLength(1);
      // The appeal's own transaction (upheldCounterNames) changes one guard too, unless the rating is suspect.
      const appealed = upheldCounterNames(rating).filter((name) => guardCounterNames(rating.channel).includes(name));
      expect(appealed, JSON.stringify(rating)).toHaveLength(rating.suspect ? 0 : 1);
    }
  });

  it('keeps the largest item of one channel under DynamoDB’s 400 KB, whatever the number of channels (the size bound in ACCESS_PATTERNS.md)', () => {
    // The longest names allowed: channel 'service-record', 50 staff ids of 64 bytes, 100 service
    // items (+ none) of 100 characters of 3 bytes each, 7 reason codes, every level of everything.
    const channel = 'service-record' as const;
    const counters = recountCounters(
      [1, 2, 3, 4, 5].flatMap((level) => [
        ...Array.from({ length: 50 }, (_, i) => ({ level, channel, servedBy: `${i}`.padStart(64, 's'), reasons: ['RUDE', 'SLOW', 'UNCLEAR', 'RUNAROUND', 'ATTITUDE', 'FEES', 'OTHER'], comment: 'x', appealUpheld: true })),
        ...Array.from({ length: 101 }, (_, i) => ({ level, channel, serviceItem: i === 100 ? undefined : `${i}`.padStart(100, '办'), appealUpheld: true })),
        { level, channel, suspect: true },
      ]) as CountedRating[],
    );
    const item = { ...keys.windowDayTotals('k7m2q9xa', '2026-01-31', channel), windowCode: 'k7m2q9xa', day: '2026-01-31', channel, ...counters };
    // DynamoDB's item size: UTF-8 bytes of each name plus its value (a number ≤ 21 bytes).
    const size = Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + (typeof value === 'number' ? 21 : Buffer.byteLength(String(value))), 0);
    // Every rating's appeal upheld as well: each counter but the comment count once more under ap:.
    expect(Object.keys(counters).length).toBe(2 * (5 + 5 + 5 + 250 + 505 + 7) + 1 + 5);
    expect(size).toBeLessThan(400 * 1024);
  });
});
