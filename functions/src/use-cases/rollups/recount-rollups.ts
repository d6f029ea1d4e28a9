import { keys } from '../../data/keys.js';
import { expectedRollups, isRollupKey } from '../../data/rollups/rollup-layout.js';
import type { RollupMaintenance } from '../../data/rollups/rollups.js';
import type { UnitStore } from '../../data/units.js';
import { compareCounters, countersOfItem, type CounterDrift, type Counters } from '../../data/window-day-counters.js';
import type { WindowStore } from '../../data/windows.js';

export interface RollupRecountDeps {
  units: Pick<UnitStore, 'get'>;
  windows: Pick<WindowStore, 'getMany' | 'listSubtree'>;
  rollups: RollupMaintenance;
}

export interface RollupRecountOptions {
  /** The windows whose units to check (each unit with all its own windows); months inclusive, YYYY-MM. */
  windowCodes: readonly string[];
  fromMonth: string;
  toMonth: string;
  dryRun?: boolean;
  /**
   * How long drift must stay put, with the unit's window-day items unchanged, before it is repaired
   * (default 3 s, six polls of the local consumer): drift still moving is a change in flight on the
   * stream, which the consumer will apply itself.
   */
  settleMs?: number;
  onDrift?: (drift: RollupDrift) => void;
}

export interface RollupDrift {
  pk: string;
  sk: string;
  counters: CounterDrift[];
  /** repaired; found (a dry run); busy: the unit's totals changed while checked — run again. */
  outcome: 'repaired' | 'found' | 'busy';
}

export interface RollupRecountSummary {
  units: number;
  itemsChecked: number;
  drifted: number;
  repaired: number;
  busy: number;
}

interface UnitCheck {
  /** Window-day items, as read: unchanged between the two reads means nothing was in flight. */
  sources: string;
  /** Per window, the latest stream position any of the unit's rollups took from it. */
  latest: Map<string, string>;
  drift: Map<string, { key: { pk: string; sk: string }; counters: CounterDrift[]; correction: Counters }>;
  checked: number;
}

/**
 * Rollups are derived data too (decision 0031): each must equal the sum of the window-day items it
 * covers. Per unit, read its own windows' items and its rollups over the months, compare every
 * counter, and repair by ADDing the difference. A difference can also be a change the consumer has
 * not applied yet (seconds); so drift is repaired only when a second read `settleMs` later finds
 * the same drift and the same window-day items — nothing in flight. Otherwise it is reported busy.
 */
export async function recountRollups(deps: RollupRecountDeps, options: RollupRecountOptions): Promise<RollupRecountSummary> {
  const known = await deps.windows.getMany([...new Set(options.windowCodes)]);
  const unitIds = [...new Set([...known.values()].map((window) => window.unitId))].sort();
  const summary: RollupRecountSummary = { units: unitIds.length, itemsChecked: 0, drifted: 0, repaired: 0, busy: 0 };
  for (const unitId of unitIds) {
    const unit = await deps.units.get(unitId);
    if (!unit) continue;
    const own = await ownWindows(deps, unit.path, unitId);
    // Whole years: a year rollup is checked against every month of its year.
    const check = () => checkUnit(deps, unitId, own, `${options.fromMonth.slice(0, 4)}-01`, `${options.toMonth.slice(0, 4)}-12`);
    const first = await check();
    summary.itemsChecked += first.checked;
    if (first.drift.size === 0) continue;
    if (options.dryRun) {
      for (const { key, counters } of first.drift.values()) report(summary, options, { ...key, counters, outcome: 'found' });
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, options.settleMs ?? 3000));
    const second = await check();
    for (const [id, { key, counters, correction }] of second.drift) {
      const before = first.drift.get(id);
      const settled = first.sources === second.sources && before !== undefined && JSON.stringify(before.counters) === JSON.stringify(counters);
      if (settled) await deps.rollups.correct(key, correction, markersFor(key, second.latest));
      report(summary, options, { ...key, counters, outcome: settled ? 'repaired' : 'busy' });
    }
  }
  return summary;
}

function report(summary: RollupRecountSummary, options: RollupRecountOptions, drift: RollupDrift): void {
  summary.drifted++;
  if (drift.outcome === 'repaired') summary.repaired++;
  if (drift.outcome === 'busy') summary.busy++;
  options.onDrift?.(drift);
}

async function ownWindows(deps: RollupRecountDeps, path: readonly string[], unitId: string): Promise<string[]> {
  const codes: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.windows.listSubtree(path, { limit: 500, cursor });
    codes.push(...page.items.filter((window) => window.unitId === unitId).map((window) => window.code));
    cursor = page.cursor;
  } while (cursor);
  return codes;
}

async function checkUnit(deps: RollupRecountDeps, unitId: string, windowCodes: readonly string[], fromMonth: string, toMonth: string): Promise<UnitCheck> {
  const items = await deps.rollups.readUnit(unitId, windowCodes, fromMonth, toMonth);
  const sources: Record<string, unknown>[] = [];
  const stored = new Map<string, { key: { pk: string; sk: string }; counters: Counters }>();
  const latest = new Map<string, string>();
  const taken = (windowCode: string, position: unknown) => {
    if (typeof position === 'string' && position > (latest.get(windowCode) ?? '')) latest.set(windowCode, position);
  };
  for (const item of items) {
    const key = { pk: String(item.pk), sk: String(item.sk) };
    if (!isRollupKey(key)) {
      sources.push(item);
      continue;
    }
    stored.set(`${key.pk}\u0000${key.sk}`, { key, counters: countersOfItem(item) });
    if (key.pk.startsWith(WINDOW_PARTITION)) taken(key.pk.slice(WINDOW_PARTITION.length), item.q);
    for (const [name, value] of Object.entries(item)) if (name.startsWith('q|')) taken(name.slice(2), value);
  }
  const expected = expectedRollups(sources, () => unitId);
  const drift: UnitCheck['drift'] = new Map();
  for (const id of new Set([...stored.keys(), ...expected.keys()])) {
    const has = stored.get(id)?.counters ?? {};
    const should = expected.get(id) ?? {};
    const counters = compareCounters(has, should);
    if (counters.length === 0) continue;
    const [pk, sk] = id.split('\u0000') as [string, string];
    drift.set(id, { key: { pk, sk }, counters, correction: Object.fromEntries(counters.map((c) => [c.name, c.recounted - c.stored])) });
  }
  const fingerprint = sources.map((item) => JSON.stringify([item.pk, item.sk, countersOfItem(item)])).sort().join('\n');
  return { sources: fingerprint, latest, drift, checked: stored.size };
}

const WINDOW_PARTITION = keys.windowTotalsPartition('');

/** The markers a repaired item gets: its window's latest position (`q`), or each own window's (`q|{code}`). */
function markersFor(key: { pk: string; sk: string }, latest: ReadonlyMap<string, string>): Record<string, string> {
  if (key.pk.startsWith(WINDOW_PARTITION)) {
    const position = latest.get(key.pk.slice(WINDOW_PARTITION.length));
    return position ? { q: position } : {};
  }
  return Object.fromEntries([...latest].map(([windowCode, position]) => [`q|${windowCode}`, position]));
}
