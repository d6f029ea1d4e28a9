import { DEFAULT_DEADLINE_DAYS, type DeadlineKind } from './case-state.js';

/**
 * A unit's working-day deadlines per kind (issue 15 §1; docs/decisions/0028): what a case of the
 * unit is given to be verified (核实), fixed at once (立行立改) or fixed by a deadline (限期整改).
 * A unit sets its own or inherits: its own, else its nearest ancestor's, else the product's
 * defaults (1, 1, 5). So a province sets the 15-day rule once for every unit below it.
 */
export type CaseDeadlines = Readonly<Record<DeadlineKind, number>>;

/** The working days a unit may set per kind. */
export const DEADLINE_DAYS_RANGE = { min: 1, max: 30 } as const;

/** The rule some provinces use: 15 working days for 限期整改 (the others as the defaults). */
export const FIFTEEN_DAY_RULE: CaseDeadlines = { ...DEFAULT_DEADLINE_DAYS, deadline: 15 };

export interface EffectiveDeadlines {
  deadlines: CaseDeadlines;
  /** The unit whose setting applies (the unit itself or an ancestor), or null: the defaults. */
  from: string | null;
}

/**
 * The deadlines that apply to the unit at `path` (ids from the root down to it), given the
 * settings of the units that have one.
 */
export function effectiveDeadlines(path: readonly string[], settings: ReadonlyMap<string, CaseDeadlines>): EffectiveDeadlines {
  for (let i = path.length - 1; i >= 0; i--) {
    const found = settings.get(path[i]!);
    if (found) return { deadlines: found, from: path[i]! };
  }
  return { deadlines: DEFAULT_DEADLINE_DAYS, from: null };
}

export const isDeadlineDays = (days: number) => Number.isInteger(days) && days >= DEADLINE_DAYS_RANGE.min && days <= DEADLINE_DAYS_RANGE.max;
