import { describe, expect, it } from 'vitest';
import { expectedRollups, isRollupKey, MAX_COUNTERS_PER_WRITE, paddedSequence, planRollupWrites, sourceChangeOf, sumParts, unitCounters } from './rollup-layout.js';

const day = (windowCode: string, date: string, channel = 'window-qr') => ({ pk: `TOTALS#WINDOW#${windowCode}`, sk: `DAY#${date}#${channel}` });

describe('sourceChangeOf', () => {
  it('is the change of a window-day item, after − before counter by counter, zeros and non-counters left out', () => {
    const change = sourceChangeOf({
      sequence: '000000000000000000017',
      ...day('w1', '2026-11-30'),
      oldImage: { ...day('w1', '2026-11-30'), windowCode: 'w1', c5: 2, 'window-qr|c|5': 2, 'window-qr|cs|opened': 1 },
      newImage: { ...day('w1', '2026-11-30'), windowCode: 'w1', c5: 2, 'window-qr|c|5': 2, c2: 1, 'window-qr|c|2': 1, 'window-qr|cs|opened': 0 },
    });
    expect(change).toEqual({
      windowCode: 'w1',
      day: '2026-11-30',
      channel: 'window-qr',
      sequence: paddedSequence('17'),
      delta: { c2: 1, 'window-qr|c|2': 1, 'window-qr|cs|opened': -1 },
    });
  });

  it('takes an insert as all of it and a removal as minus all of it; a legacy combined item has no channel', () => {
    const legacy = { pk: 'TOTALS#WINDOW#w1', sk: 'DAY#2026-11-30' };
    expect(sourceChangeOf({ sequence: '5', ...legacy, newImage: { ...legacy, c4: 3 } })).toMatchObject({ channel: undefined, delta: { c4: 3 } });
    expect(sourceChangeOf({ sequence: '6', ...legacy, oldImage: { ...legacy, c4: 3 } })).toMatchObject({ delta: { c4: -3 } });
  });

  it('ignores every item that is not a window-day item: the rollups themselves, above all', () => {
    for (const key of [
      { pk: 'TOTALS#WINDOW#w1', sk: 'MONTH#2026-11#window-qr' },
      { pk: 'TOTALS#UNIT#u1', sk: 'DAY#2026-11-30#window-qr' },
      { pk: 'TOTALS#UNIT#u1', sk: 'MONTH#2026-11#window-qr' },
    ]) {
      expect(sourceChangeOf({ sequence: '1', ...key, newImage: { ...key, c1: 1 } })).toBeUndefined();
      expect(isRollupKey(key)).toBe(true);
    }
    expect(isRollupKey(day('w1', '2026-11-30'))).toBe(false);
  });

  it('pads sequence numbers to 40 digits so that they compare as strings, and refuses anything else', () => {
    expect(paddedSequence('9') < paddedSequence('10')).toBe(true);
    expect(paddedSequence('4421584500000000017450439091')).toHaveLength(40);
    expect(() => paddedSequence('12a')).toThrow();
  });
});

describe('a year rollup read back', () => {
  it('splits its counts by month for the trend, and by nothing else', async () => {
    const { totalsOfItem, channelsOf, countersOfItem: counters } = await import('../window-day-counters.js');
    const item = { c5: 3, 'window-qr|c|5': 3, 'window-qr|mo|11|5': 2, 'window-qr|mo|12|5': 1, 'window-qr|si|a|5': 3 };
    const read = totalsOfItem(item);
    expect(read.channels!['window-qr']!.months).toEqual({ '11': { 1: 0, 2: 0, 3: 0, 4: 0, 5: 2 }, '12': { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 } });
    expect(read.channels!['window-qr']!.serviceItems).toEqual({ a: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 3 } });
    expect(channelsOf(counters(item))!['window-qr']!.months).toEqual(read.channels!['window-qr']!.months);
    expect(channelsOf(counters(item))!['window-qr']!.serviceItems).toEqual(read.channels!['window-qr']!.serviceItems);
  });
});

describe('unitCounters', () => {
  it('keeps every counter but the per-staff ones, upheld appeals included', () => {
    expect(unitCounters({ c2: 1, 'window-qr|c|2': 1, 'window-qr|sv|s1|2': 1, 'window-qr|st|s1|2': 1, 'ap:window-qr|sv|s1|2': 1, 'ap:c2': 1, 'window-qr|si|a|b|2': 1 })).toEqual({
      c2: 1,
      'window-qr|c|2': 1,
      'ap:c2': 1,
      'window-qr|si|a|b|2': 1,
    });
  });
});

describe('planRollupWrites', () => {
  const source = (windowCode: string, date: string, sequence: string, delta: Record<string, number>) =>
    sourceChangeOf({ sequence, ...day(windowCode, date), newImage: { ...day(windowCode, date), ...delta } })!;

  it('writes each item once per batch: a unit item takes two windows’ records, each behind its own marker', () => {
    const writes = planRollupWrites([
      { source: source('w1', '2026-11-30', '1', { c5: 1 }), unitId: 'u1' },
      { source: source('w2', '2026-11-30', '2', { c4: 1 }), unitId: 'u1' },
      { source: source('w1', '2026-11-30', '3', { c3: 1 }), unitId: 'u1' },
    ]);
    const byKey = new Map(writes.map((item) => [`${item[0]!.target.key.pk} ${item[0]!.target.key.sk}`, item]));
    expect([...byKey.keys()].sort()).toEqual([
      'TOTALS#UNIT#u1 DAY#2026-11-30#window-qr',
      'TOTALS#UNIT#u1 MONTH#2026-11#window-qr',
      'TOTALS#UNIT#u1 YEAR#2026#window-qr',
      'TOTALS#WINDOW#w1 MONTH#2026-11#window-qr',
      'TOTALS#WINDOW#w2 MONTH#2026-11#window-qr',
    ]);
    const unitMonth = byKey.get('TOTALS#UNIT#u1 MONTH#2026-11#window-qr')!;
    expect(unitMonth).toHaveLength(1);
    expect(unitMonth[0]!.parts.map((part) => part.marker)).toEqual(['q|w1', 'q|w2', 'q|w1']);
    expect(sumParts(unitMonth[0]!.parts)).toEqual({ c5: 1, c4: 1, c3: 1 });
    expect(unitMonth[0]!.target.attributes).toEqual({ unitId: 'u1', month: '2026-11', channel: 'window-qr' });
    expect(byKey.get('TOTALS#WINDOW#w1 MONTH#2026-11#window-qr')![0]!.parts.map((part) => [part.marker, part.position])).toEqual([
      ['q', `${paddedSequence('1')}:0000`],
      ['q', `${paddedSequence('3')}:0000`],
    ]);
  });

  it('cuts a record too big for one write into chunks ordered after one another, and never mixes more than the bound in one write', () => {
    const big = Object.fromEntries(Array.from({ length: MAX_COUNTERS_PER_WRITE * 2 + 5 }, (_, i) => [`window-qr|si|item${i}|5`, 1]));
    const writes = planRollupWrites([
      { source: source('w1', '2026-11-30', '7', big), unitId: 'u1' },
      { source: source('w1', '2026-11-30', '8', { c1: 1 }), unitId: 'u1' },
    ]);
    for (const item of writes) {
      for (const write of item) expect(Object.keys(sumParts(write.parts)).length).toBeLessThanOrEqual(MAX_COUNTERS_PER_WRITE);
      const positions = item.flatMap((write) => write.parts.map((part) => part.position));
      expect(positions).toEqual([...positions].sort());
      expect(positions.slice(0, 3)).toEqual([`${paddedSequence('7')}:0000`, `${paddedSequence('7')}:0001`, `${paddedSequence('7')}:0002`]);
      expect(item.reduce((sum, write) => sum + Object.keys(sumParts(write.parts)).length, 0)).toBe(MAX_COUNTERS_PER_WRITE * 2 + 5 + 1);
    }
  });

  it('adds nothing for a change that changed no counter', () => {
    expect(planRollupWrites([{ source: source('w1', '2026-11-30', '9', {}), unitId: 'u1' }])).toEqual([]);
  });
});

describe('expectedRollups', () => {
  it('is the window-day items added up per window-month, unit-month and unit-day, ignoring the rollups themselves', () => {
    const items = [
      { ...day('w1', '2026-11-29'), c5: 1, 'window-qr|sv|s1|5': 1 },
      { ...day('w2', '2026-11-29'), c5: 2, 'window-qr|c|5': 2 },
      { ...day('w1', '2026-12-01'), c1: 1, 'window-qr|c|1': 1, 'ap:window-qr|c|1': 1 },
      { pk: 'TOTALS#UNIT#u1', sk: 'MONTH#2026-11#window-qr', c5: 99 },
    ];
    const expected = Object.fromEntries(expectedRollups(items, () => 'u1'));
    expect(expected).toEqual({
      'TOTALS#WINDOW#w1\u0000MONTH#2026-11#window-qr': { c5: 1, 'window-qr|sv|s1|5': 1 },
      'TOTALS#WINDOW#w2\u0000MONTH#2026-11#window-qr': { c5: 2, 'window-qr|c|5': 2 },
      'TOTALS#WINDOW#w1\u0000MONTH#2026-12#window-qr': { c1: 1, 'window-qr|c|1': 1, 'ap:window-qr|c|1': 1 },
      'TOTALS#UNIT#u1\u0000MONTH#2026-11#window-qr': { c5: 3, 'window-qr|c|5': 2 },
      'TOTALS#UNIT#u1\u0000DAY#2026-11-29#window-qr': { c5: 3, 'window-qr|c|5': 2 },
      'TOTALS#UNIT#u1\u0000MONTH#2026-12#window-qr': { c1: 1, 'window-qr|c|1': 1, 'ap:window-qr|c|1': 1 },
      'TOTALS#UNIT#u1\u0000DAY#2026-12-01#window-qr': { c1: 1, 'window-qr|c|1': 1, 'ap:window-qr|c|1': 1 },
      // The year: every counter of the unit's, and its per-level counts once more under their month (upheld too).
      'TOTALS#UNIT#u1\u0000YEAR#2026#window-qr': {
        c5: 3,
        c1: 1,
        'window-qr|c|5': 2,
        'window-qr|c|1': 1,
        'ap:window-qr|c|1': 1,
        'window-qr|mo|11|5': 2,
        'window-qr|mo|12|1': 1,
        'ap:window-qr|mo|12|1': 1,
      },
    });
  });
});
