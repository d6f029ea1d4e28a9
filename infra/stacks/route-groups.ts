import { createHash } from 'node:crypto';
import type { Route } from '../../functions/src/routes.js';

/**
 * How the route functions are split over nested stacks (decision 0003, "Route groups").
 *
 * A route's group depends on the route alone, never on which other routes exist or in which
 * order: its tag (the handler folder, functions/src/handlers/<tag>/…) and, for a tag split into
 * `n` shards, the low bits of the SHA-256 of its operationId (`hash mod n`, `n` a power of two).
 * So adding or removing a route never moves another route's function to another nested stack
 * (which would replace it: new function, role, log group, permission and route).
 *
 * Only editing TAG_SHARDS moves routes, and doubling a tag's shards moves each of its routes
 * either nowhere or into a new nested stack (shard `s` of `n` splits into `s` and `s + n`),
 * never between existing ones.
 */

/** At most this many routes per nested stack: ~7 resources each, far below CloudFormation's 500. */
export const MAX_ROUTES_PER_GROUP = 40;

/**
 * Shards per tag, a power of two; 1 for a tag not listed. Raise (double) a tag's entry when the
 * synth fails because one of its groups is over MAX_ROUTES_PER_GROUP. `org` is split ahead of
 * time: it holds a third of the routes and grows fastest.
 */
export const TAG_SHARDS: Readonly<Record<string, number>> = {
  org: 2,
};

export interface RouteGroupPlan {
  /** Construct id of the nested stack: `Routes<Tag>` for shard 0, `Routes<Tag><shard>` for others. */
  id: string;
  tag: string;
  shard: number;
  routes: Route[];
}

/** The handler folder of a route, which is its operation's tag (functions/src/routes.ts handlerFile). */
export function tagOf(route: Pick<Route, 'handler'>): string {
  const slash = route.handler.indexOf('/');
  if (slash <= 0) throw new Error(`route handler ${route.handler} is not <tag>/<file>`);
  return route.handler.slice(0, slash);
}

/** Stable across runs, machines and Node versions: the first 32 bits of SHA-256(operationId). */
export function routeHash(operationId: string): number {
  return createHash('sha256').update(operationId).digest().readUInt32BE(0);
}

export function shardsOf(tag: string, shards: Readonly<Record<string, number>> = TAG_SHARDS): number {
  const n = shards[tag] ?? 1;
  if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) throw new Error(`TAG_SHARDS.${tag} = ${n}: expected a power of two`);
  return n;
}

/** The nested stack id of one route; a function of the route alone (and TAG_SHARDS). */
export function groupIdOf(route: Pick<Route, 'handler' | 'operationId'>, shards: Readonly<Record<string, number>> = TAG_SHARDS): string {
  const tag = tagOf(route);
  const shard = routeHash(route.operationId) % shardsOf(tag, shards);
  return groupId(tag, shard);
}

function groupId(tag: string, shard: number): string {
  const name = tag
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `Routes${name}${shard === 0 ? '' : String(shard)}`;
}

/**
 * The route table cut into groups, in a deterministic order (by id; routes in table order).
 * Throws when a group is over `max`, naming the tag whose shards to double.
 */
export function planRouteGroups(
  table: readonly Route[],
  shards: Readonly<Record<string, number>> = TAG_SHARDS,
  max: number = MAX_ROUTES_PER_GROUP,
): RouteGroupPlan[] {
  const groups = new Map<string, RouteGroupPlan>();
  for (const route of table) {
    const tag = tagOf(route);
    const shard = routeHash(route.operationId) % shardsOf(tag, shards);
    const id = groupId(tag, shard);
    const group = groups.get(id) ?? { id, tag, shard, routes: [] };
    if (group.tag !== tag) throw new Error(`tags ${group.tag} and ${tag} both make the nested stack id ${id}`);
    group.routes.push(route);
    groups.set(id, group);
  }
  for (const group of groups.values()) {
    if (group.routes.length > max) {
      throw new Error(
        `route group ${group.id} has ${group.routes.length} routes, more than ${max}: double TAG_SHARDS.${group.tag} ` +
          `(now ${shardsOf(group.tag, shards)}) in infra/stacks/route-groups.ts. That moves about half of its routes into a new ` +
          'nested stack, which replaces their functions on the next deploy (decision 0003).',
      );
    }
  }
  return [...groups.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
