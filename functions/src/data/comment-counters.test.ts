import { describe, expect, it } from 'vitest';
import { channelsOf, compareCounters, countersOfItem, isCounterName, ratingCounterNames, recountCounters, totalsOfItem, type CountedRating } from './window-day-counters.js';

/** The comment counter of the totals items (评价留言, docs/decisions/0013-comments-feed.md). */
describe('the comment counter {channel}|cm|n', () => {
  const commented: CountedRating = { level: 3, channel: 'window-qr', comment: '材料要求没有一次说清楚' };

  it('adds 1 for a rating with a comment, and nothing for one without', () => {
    expect(ratingCounterNames(commented)).toContain('window-qr|cm|n');
    expect(ratingCounterNames({ level: 3, channel: 'window-qr' })).not.toContain('window-qr|cm|n');
    expect(ratingCounterNames({ level: 3, channel: 'window-qr', comment: '' })).not.toContain('window-qr|cm|n');
  });

  it('is a counter the recount compares, so a missing or wrong one is drift', () => {
    expect(isCounterName('window-qr|cm|n')).toBe(true);
    const recounted = recountCounters([commented, commented, { level: 5, channel: 'window-qr' }]);
    expect(recounted['window-qr|cm|n']).toBe(2);
    const stored = countersOfItem({ pk: 'p', sk: 's', ...recounted, 'window-qr|cm|n': 1 });
    expect(compareCounters(stored, recounted)).toEqual([{ name: 'window-qr|cm|n', stored: 1, recounted: 2 }]);
  });

  it('never reaches the report: the breakdowns read from an item are the same with or without it', () => {
    const counters = recountCounters([commented, { level: 5, channel: 'window-qr', serviceItem: '社保登记' }]);
    const { 'window-qr|cm|n': comments, ...without } = counters;
    expect(comments).toBe(1);
    expect(channelsOf(counters)).toEqual(channelsOf(without));
    expect(totalsOfItem(counters)).toEqual(totalsOfItem(without));
  });
});
