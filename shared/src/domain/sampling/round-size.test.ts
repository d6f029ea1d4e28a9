import { describe, expect, it } from 'vitest';
import { allocate } from './allocation.js';
import { allocationInput } from './round-size.js';
import { ROUND_TRANSITIONS, transitionProblem } from './round-state.js';

const strata = [
  { key: 'a', N: 2000 },
  { key: 'b', N: 300 },
  { key: 'c', N: 10 },
];

describe('allocationInput', () => {
  it('splits a total by the method', () => {
    const input = allocationInput({ mode: 'total', n: 100 }, { method: 'proportional' }, strata);
    expect(input).toMatchObject({ method: 'proportional', total: 100 });
    const allocated = allocate(input);
    expect(allocated.ok && allocated.n).toEqual({ a: 87, b: 13, c: 0 });
  });

  it('gives n per stratum as fixed sizes capped at N_h', () => {
    const input = allocationInput({ mode: 'per-stratum', n: 50 }, { method: 'proportional' }, strata);
    expect(input).toMatchObject({ method: 'fixed', total: 110, fixed: { a: 50, b: 50, c: 10 } });
  });

  it('turns a margin overall into n for the whole frame (e = 3%, N = 2,310 → 1068 / (1 + 1067/2310) = 731), a margin per stratum into n_h from each N_h', () => {
    expect(allocationInput({ mode: 'margin', e: 0.03, per: 'overall' }, { method: 'equal' }, strata)).toMatchObject({ method: 'equal', total: 731 });
    expect(allocationInput({ mode: 'margin', e: 0.03, per: 'stratum' }, { method: 'proportional' }, strata)).toMatchObject({
      method: 'fixed',
      fixed: { a: 697, b: 235, c: 10 },
    });
  });
});

describe('round states', () => {
  it('locks the configuration from 已承诺 on, and cancels only before the draw', () => {
    expect(transitionProblem('draft', 'edit')).toBeUndefined();
    expect(transitionProblem('committed', 'edit')).toContain('已承诺');
    expect(ROUND_TRANSITIONS.cancel.from).toEqual(['draft', 'committed', 'frozen']);
    expect(transitionProblem('drawn', 'cancel')).toContain('已抽取');
    expect(transitionProblem('frozen', 'draw')).toBeUndefined();
  });
});
