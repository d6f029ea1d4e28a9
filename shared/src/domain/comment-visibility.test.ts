import { describe, expect, it } from 'vitest';
import { commentDays, commentGroup, commentPage, compareCommentText, daysOfPage, visibleCommentGroups, type WindowDayComments } from './comment-visibility.js';

const Q = 'window-qr';
const day = (windowCode: string, d: string, count: number, channel = Q): WindowDayComments => ({ windowCode, day: d, channels: { [channel]: count } });
const windows = [
  { code: 'a', unitId: 'u1' },
  { code: 'b', unitId: 'u1' },
  { code: 'c', unitId: 'u1' },
  { code: 'd', unitId: 'u2' },
];

describe('visibleCommentGroups', () => {
  it('shows a window with at least k comments over the period, summed across days', () => {
    const visible = visibleCommentGroups(windows, [day('a', '2026-11-01', 6), day('a', '2026-11-02', 4), day('d', '2026-11-01', 9)], 10, { pool: false });
    expect([...visible]).toEqual([commentGroup('a', Q)]);
  });

  it('pools the small windows of one unit in a unit listing, never across units, never for one window', () => {
    // b (4) + c (7) = 11 in u1: shown together; d (9) alone in u2: not; a (12): on its own.
    const days = [day('a', '2026-11-01', 12), day('b', '2026-11-01', 4), day('c', '2026-11-02', 7), day('d', '2026-11-01', 9)];
    expect([...visibleCommentGroups(windows, days, 10, { pool: true })].sort()).toEqual(['a|window-qr', 'b|window-qr', 'c|window-qr']);
    expect([...visibleCommentGroups(windows, days, 10, { pool: false })]).toEqual(['a|window-qr']);
  });

  it('keeps a small remainder hidden, so that a unit minus its shown windows is never a small group', () => {
    // a (12) shown; b + c = 7 < 10: the unit lists exactly what window a lists.
    const days = [day('a', '2026-11-01', 12), day('b', '2026-11-01', 4), day('c', '2026-11-02', 3)];
    const unit = visibleCommentGroups(windows, days, 10, { pool: true });
    const windowA = visibleCommentGroups(windows, days.filter((d) => d.windowCode === 'a'), 10, { pool: false });
    expect([...unit]).toEqual([...windowA]);
  });

  it('treats each channel as its own group, so that one channel cannot be subtracted from all', () => {
    const days: WindowDayComments[] = [{ windowCode: 'a', day: '2026-11-01', channels: { [Q]: 10, sampled: 1 } }];
    expect([...visibleCommentGroups(windows, days, 10, { pool: true })]).toEqual(['a|window-qr']);
  });

  it('ignores window-days of windows outside the scope', () => {
    expect(visibleCommentGroups(windows, [day('zz', '2026-11-01', 50)], 10, { pool: true }).size).toBe(0);
  });
});

describe('commentDays and daysOfPage', () => {
  const days = commentDays(
    [day('a', '2026-11-01', 3), day('a', '2026-11-03', 4), day('b', '2026-11-03', 2), day('d', '2026-11-02', 5), day('a', '2026-11-02', 1)],
    new Set([commentGroup('a', Q), commentGroup('b', Q)]),
  );

  it('lists the days with shown comments newest first, without hidden groups', () => {
    expect(days.map((d) => [d.day, d.count])).toEqual([
      ['2026-11-03', 6],
      ['2026-11-02', 1],
      ['2026-11-01', 3],
    ]);
    expect(days[0]!.sources).toEqual([
      { windowCode: 'a', channels: [Q] },
      { windowCode: 'b', channels: [Q] },
    ]);
  });

  it('reads whole days until the page is covered and says how many came before', () => {
    expect(daysOfPage(days, undefined, 6)).toMatchObject({ read: [days[0]], before: 0, next: '2026-11-02' });
    expect(daysOfPage(days, undefined, 7)).toMatchObject({ read: [days[0], days[1]], before: 0, next: '2026-11-01' });
    expect(daysOfPage(days, { day: '2026-11-03', offset: 4 }, 3)).toMatchObject({ read: [days[0], days[1]], before: 4, next: '2026-11-01' });
    expect(daysOfPage(days, { day: '2026-11-02', offset: 0 }, 4)).toMatchObject({ read: [days[1], days[2]], before: 6, next: undefined });
    // A start day that has no comments starts at the next older day, from its first comment.
    expect(daysOfPage(days, { day: '2026-11-04', offset: 2 }, 1)).toMatchObject({ read: [days[0]], before: 0 });
    expect(daysOfPage(days, { day: '2026-10-01', offset: 0 }, 1)).toMatchObject({ read: [], before: 10, next: undefined });
  });
});

describe('commentPage', () => {
  const read = [
    { day: '2026-11-03', texts: ['乙', '甲', '=1+1', '<script>'] },
    { day: '2026-11-02', texts: ['丙'] },
  ];

  it('sorts each day by text, not by arrival, and cuts the page with the position of the next one', () => {
    const first = commentPage(read, undefined, 3, '2026-11-01');
    const order = [...read[0]!.texts].sort(compareCommentText);
    expect(first.comments).toEqual(order.slice(0, 3).map((text) => ({ day: '2026-11-03', text })));
    expect(first.next).toEqual({ day: '2026-11-03', offset: 3 });
    const second = commentPage(read, first.next, 3, '2026-11-01');
    expect(second.comments).toEqual([
      { day: '2026-11-03', text: order[3] },
      { day: '2026-11-02', text: '丙' },
    ]);
    expect(second.next).toEqual({ day: '2026-11-01', offset: 0 });
    expect(commentPage(read, first.next, 3, undefined).next).toBeUndefined();
  });

  it('gives the same order whatever order the texts were read in', () => {
    const shuffled = [{ day: '2026-11-03', texts: ['<script>', '=1+1', '甲', '乙'] }];
    expect(commentPage(shuffled, undefined, 10, undefined).comments).toEqual(commentPage([read[0]!], undefined, 10, undefined).comments);
  });
});
