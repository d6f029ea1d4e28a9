import { describe, expect, it } from 'vitest';
import { cachedRatingLookups, ttlCache } from './read-cache.js';

describe('ttlCache', () => {
  it('reads once per TTL and again after it expires', async () => {
    let now = 0;
    let loads = 0;
    const cache = ttlCache<string>(10_000, () => now);
    const load = async () => `v${++loads}`;
    expect(await cache.get('k', load)).toBe('v1');
    now = 9_999;
    expect(await cache.get('k', load)).toBe('v1');
    now = 10_000;
    expect(await cache.get('k', load)).toBe('v2');
  });

  it('does not remember a miss or a failure, so a new window works at once', async () => {
    const cache = ttlCache<string | undefined>(10_000, () => 0);
    expect(await cache.get('k', async () => undefined)).toBeUndefined();
    await expect(cache.get('f', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await Promise.resolve();
    expect(await cache.get('k', async () => 'found')).toBe('found');
    expect(await cache.get('f', async () => 'recovered')).toBe('recovered');
  });
});

describe('the 差评 deadlines of the rating path', () => {
  it('read a unit path’s settings once per TTL, and give the nearest unit’s, else the defaults', async () => {
    let now = 0;
    const reads: string[][] = [];
    const settings = new Map([['county', { verify: 2, immediate: 1, deadline: 15 }]]);
    const stores = {
      windows: { get: async () => undefined },
      units: { get: async () => undefined },
      cases: {
        deadlineSettings: async (ids: readonly string[]) => {
          reads.push([...ids]);
          return new Map([...settings].filter(([id]) => ids.includes(id)));
        },
      },
    };
    const lookups = cachedRatingLookups(stores, 10_000, () => now);
    expect(await lookups.caseDeadlines!(['province', 'county', 'bureau'])).toEqual({ verify: 2, immediate: 1, deadline: 15 });
    expect(await lookups.caseDeadlines!(['province', 'county', 'bureau'])).toEqual({ verify: 2, immediate: 1, deadline: 15 });
    expect(await lookups.caseDeadlines!(['province', 'other'])).toEqual({ verify: 1, immediate: 1, deadline: 5 });
    expect(reads).toEqual([['province', 'county', 'bureau'], ['province', 'other']]);
    now = 10_000;
    await lookups.caseDeadlines!(['province', 'county', 'bureau']);
    expect(reads).toHaveLength(3);
  });
});
