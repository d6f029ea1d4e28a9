import { describe, expect, it } from 'vitest';
import { ttlCache } from './read-cache.js';

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
