import { describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINE_DAYS } from './case-state.js';
import { effectiveDeadlines, FIFTEEN_DAY_RULE, isDeadlineDays } from './deadlines.js';

describe('a unit’s case deadlines', () => {
  const path = ['province', 'city', 'county', 'bureau'];

  it('are the defaults when no unit on the path set any', () => {
    expect(effectiveDeadlines(path, new Map())).toEqual({ deadlines: { verify: 1, immediate: 1, deadline: 5 }, from: null });
    expect(DEFAULT_DEADLINE_DAYS).toEqual({ verify: 1, immediate: 1, deadline: 5 });
  });

  it('come from the nearest unit on the path that set them: the unit itself before its ancestors', () => {
    const own = { verify: 2, immediate: 1, deadline: 10 };
    expect(effectiveDeadlines(path, new Map([['province', FIFTEEN_DAY_RULE]]))).toEqual({ deadlines: { verify: 1, immediate: 1, deadline: 15 }, from: 'province' });
    expect(effectiveDeadlines(path, new Map([['province', FIFTEEN_DAY_RULE], ['county', own]]))).toEqual({ deadlines: own, from: 'county' });
    expect(effectiveDeadlines(path, new Map([['county', own], ['bureau', FIFTEEN_DAY_RULE]]))).toEqual({ deadlines: FIFTEEN_DAY_RULE, from: 'bureau' });
    // A sibling's setting is not on the path.
    expect(effectiveDeadlines(path, new Map([['other-bureau', own]])).from).toBeNull();
  });

  it('are whole working days from 1 to 30', () => {
    expect([0, 1, 15, 30, 31, 1.5, -1].map(isDeadlineDays)).toEqual([false, true, true, true, false, false, false]);
  });
});
