import { describe, expect, it } from 'vitest';
import { routes, type Route } from '../../functions/src/routes.js';
import { groupIdOf, MAX_ROUTES_PER_GROUP, planRouteGroups, routeHash, tagOf, TAG_SHARDS } from './route-groups.js';

/** Which nested stack each operation's function lives in. */
const membership = (table: readonly Route[], shards = TAG_SHARDS) =>
  new Map(planRouteGroups(table, shards).flatMap((group) => group.routes.map((route) => [route.operationId as string, group.id] as const)));

const fake = (operationId: string, tag: string): Route =>
  ({ operationId, method: 'GET', path: `/api/${operationId}`, auth: 'bearer', handler: `${tag}/${operationId}` }) as unknown as Route;

describe('route groups (nested stacks of the API stack, decision 0003)', () => {
  it('puts every route in exactly one group of its own tag, none over the limit', () => {
    const groups = planRouteGroups(routes);
    const placed = groups.flatMap((group) => group.routes.map((route) => route.operationId));
    expect(placed.sort()).toEqual(routes.map((route) => route.operationId).sort());
    for (const group of groups) {
      expect(group.routes.length, group.id).toBeGreaterThan(0);
      expect(group.routes.length, group.id).toBeLessThanOrEqual(MAX_ROUTES_PER_GROUP);
      for (const route of group.routes) {
        expect(tagOf(route), route.operationId).toBe(group.tag);
        expect(groupIdOf(route), route.operationId).toBe(group.id);
      }
    }
    expect(new Set(groups.map((group) => group.id)).size).toBe(groups.length);
  });

  it('moves no existing route when routes are added, removed or reordered', () => {
    const before = membership(routes);
    const added = [fake('zzNewOrgRoute', 'org'), ...routes.slice(0, 10), fake('aaNewTag', 'brand-new'), ...routes.slice(10), fake('mmNewPublic', 'public')];
    const removed = routes.filter((_, index) => index % 3 !== 0);
    for (const table of [added, removed, [...routes].reverse()]) {
      const after = membership(table);
      for (const [operationId, group] of after) if (before.has(operationId)) expect(group, operationId).toBe(before.get(operationId));
    }
    expect(membership(added).get('aaNewTag')).toBe('RoutesBrandNew');
  });

  it('moves routes only into new groups when a tag\'s shards are doubled', () => {
    const before = membership(routes);
    const doubled = membership(routes, { ...TAG_SHARDS, org: (TAG_SHARDS.org ?? 1) * 2, sampling: 2 });
    const existing = new Set(before.values());
    for (const [operationId, group] of doubled) {
      if (group !== before.get(operationId)) expect(existing.has(group), `${operationId} moved from ${before.get(operationId)} to ${group}`).toBe(false);
    }
  });

  it('refuses a group over the limit, naming the tag to split, and a shard count that is no power of two', () => {
    const many = Array.from({ length: MAX_ROUTES_PER_GROUP + 1 }, (_, index) => fake(`bulk${index}`, 'bulk'));
    expect(() => planRouteGroups(many)).toThrow(/RoutesBulk has 41 routes.*double TAG_SHARDS\.bulk/);
    expect(planRouteGroups(many, { bulk: 2 }).every((group) => group.routes.length <= MAX_ROUTES_PER_GROUP)).toBe(true);
    expect(() => planRouteGroups(routes, { org: 3 })).toThrow(/power of two/);
  });

  it('hashes operation ids the same everywhere (a change would move most routes)', () => {
    // SHA-256("getWindowCard") starts ba7ced77; pinned so that nobody swaps the hash by accident.
    expect(routeHash('getWindowCard')).toBe(0xba7ced77);
  });
});
