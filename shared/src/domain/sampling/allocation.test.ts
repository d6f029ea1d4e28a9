import { describe, expect, it } from 'vitest';
import { allocate, allocationWeight, MAX_ALLOCATION_TOTAL, MAX_STRATA, type AllocationInput, type StratumSize } from './allocation.js';

const strata = (sizes: Record<string, number>): StratumSize[] => Object.entries(sizes).map(([key, N]) => ({ key, N }));

describe('allocate, proportional', () => {
  it('gives each stratum its share when the quotas are whole', () => {
    // total 10 = ΣN: everyone is asked, A 5, B 3, C 2.
    expect(allocate({ method: 'proportional', total: 10, strata: strata({ A: 5, B: 3, C: 2 }) })).toEqual({ ok: true, n: { A: 5, B: 3, C: 2 }, census: true });
  });

  it('hands the leftover units to the largest remainders, ties to the smaller key', () => {
    // total 5 of 10: q = 2.5, 1.5, 1.0 → floors 2, 1, 1 (4), 1 left; A and B tie at .5 → A.
    expect(allocate({ method: 'proportional', total: 5, strata: strata({ A: 5, B: 3, C: 2 }) })).toEqual({ ok: true, n: { A: 3, B: 1, C: 1 }, census: false });
    // total 7 over 10, 10, 10: q = 7·10/30 = 2.333… each → 2, 2, 2 (6), 1 left, three-way tie → A.
    expect(allocate({ method: 'proportional', total: 7, strata: strata({ C: 10, B: 10, A: 10 }) })).toEqual({ ok: true, n: { A: 3, B: 2, C: 2 }, census: false });
  });

  it('lists the keys of n in compareUtf8 order whatever the input order', () => {
    const result = allocate({ method: 'proportional', total: 3, strata: strata({ c: 1, a: 1, b: 1 }) });
    expect(result.ok && Object.keys(result.n)).toEqual(['a', 'b', 'c']);
  });
});

describe('allocate, equal', () => {
  it('caps a stratum smaller than its share and shares the rest again', () => {
    // Pass 1: W = 3, q = 10/3 = 3.333… each → 3, 3, 3, 1 left → A: 4 > N = 1, so A is taken whole.
    // Pass 2: remaining 9 over B, C: q = 4.5 each → 4, 4, 1 left, tie → B. A 1, B 5, C 4.
    expect(allocate({ method: 'equal', total: 10, strata: strata({ A: 1, B: 100, C: 100 }) })).toEqual({ ok: true, n: { A: 1, B: 5, C: 4 }, census: false });
  });

  it('caps in several passes', () => {
    // Pass 1: q = 20/4 = 5 → A 5 > 1, B 5 > 3: both capped, remaining 20 − 4 = 16.
    // Pass 2: q = 8, 8 over C (N 7), D (N 50) → C capped, remaining 9.
    // Pass 3: D gets 9.
    expect(allocate({ method: 'equal', total: 20, strata: strata({ A: 1, B: 3, C: 7, D: 50 }) })).toEqual({ ok: true, n: { A: 1, B: 3, C: 7, D: 9 }, census: false });
  });

  it('gives empty strata 0 and no share', () => {
    // E is empty, so W = 2 (not 3): q = 2 for A and B.
    expect(allocate({ method: 'equal', total: 4, strata: strata({ A: 10, E: 0, B: 10 }) })).toEqual({ ok: true, n: { A: 2, B: 2, E: 0 }, census: false });
  });
});

describe('allocate, census', () => {
  it('takes everyone when total is at least ΣN', () => {
    for (const method of ['proportional', 'equal', 'neyman'] as const) {
      expect(allocate({ method, total: 250, strata: strata({ A: 100, B: 100, C: 0 }) })).toEqual({ ok: true, n: { A: 100, B: 100, C: 0 }, census: true });
    }
  });

  it('is a census of nothing when there are no units', () => {
    expect(allocate({ method: 'proportional', total: 0, strata: [] })).toEqual({ ok: true, n: {}, census: true });
    expect(allocate({ method: 'equal', total: 0, strata: strata({ A: 0 }) })).toEqual({ ok: true, n: { A: 0 }, census: true });
  });

  it('asks no one for a total of 0', () => {
    expect(allocate({ method: 'equal', total: 0, strata: strata({ A: 5, B: 5 }) })).toEqual({ ok: true, n: { A: 0, B: 0 }, census: false });
  });
});

describe('allocate, neyman', () => {
  it('weights by N_h·√(p_h(1 − p_h))', () => {
    // S_A = √0.25 = 0.5, S_B = √0.09 = 0.3 → w = 50, 30, W = 80; total 8 → q = 5, 3. (In doubles
    // w_B is 29.999999999999993, so q_B may be 2.999…; its remainder then takes the one unit left.)
    expect(allocate({ method: 'neyman', total: 8, strata: strata({ A: 100, B: 100 }), priors: { A: 0.5, B: 0.9 } })).toEqual({ ok: true, n: { A: 5, B: 3 }, census: false });
  });

  it('uses p = 0.5 for a stratum without a prior, so no priors is proportional', () => {
    const input = { total: 7, strata: strata({ A: 10, B: 20, C: 40 }) };
    expect(allocate({ method: 'neyman', ...input })).toEqual(allocate({ method: 'proportional', ...input }));
  });

  it('falls back to proportional weights when every open stratum has p in {0, 1}', () => {
    // w = 0, 0: W = 0, so the pass uses N: q = 8·30/40 = 6, 8·10/40 = 2.
    expect(allocate({ method: 'neyman', total: 8, strata: strata({ A: 30, B: 10 }), priors: { A: 0, B: 1 } })).toEqual({ ok: true, n: { A: 6, B: 2 }, census: false });
  });

  it('falls back only for the pass whose weights are all 0', () => {
    // Pass 1: w = 0 (A, p = 0), 5 (B) → q = 0, 12 → B: 12 > 10, capped, remaining 2.
    // Pass 2: only A is open, W = 0 → proportional → A gets 2.
    expect(allocate({ method: 'neyman', total: 12, strata: strata({ A: 10, B: 10 }), priors: { A: 0, B: 0.5 } })).toEqual({ ok: true, n: { A: 2, B: 10 }, census: false });
  });

  it('rejects a prior outside [0, 1] and ignores priors of unknown keys', () => {
    const input: AllocationInput = { method: 'neyman', total: 4, strata: strata({ A: 10, B: 10 }), priors: { A: 0.5, B: 1.2 } };
    expect(allocate(input)).toEqual({ ok: false, problem: { field: 'priors.B', message: 'must be a proportion from 0 to 1' } });
    expect(allocate({ ...input, priors: { B: Number.NaN } })).toMatchObject({ ok: false, problem: { field: 'priors.B' } });
    expect(allocate({ ...input, priors: { Z: 7 } })).toEqual({ ok: true, n: { A: 2, B: 2 }, census: false });
  });

  it('reports a bad prior even when the total would be a census', () => {
    expect(allocate({ method: 'neyman', total: 100, strata: strata({ A: 1 }), priors: { A: -0.1 } })).toMatchObject({ ok: false, problem: { field: 'priors.A' } });
  });
});

describe('allocate, fixed', () => {
  it('takes the given sizes, 0 for a stratum without one', () => {
    expect(allocate({ method: 'fixed', total: 7, strata: strata({ B: 10, A: 10, C: 3 }), fixed: { A: 4, C: 3 } })).toEqual({ ok: true, n: { A: 4, B: 0, C: 3 }, census: false });
  });

  it('is a census when every stratum is taken whole', () => {
    expect(allocate({ method: 'fixed', total: 13, strata: strata({ A: 10, C: 3 }), fixed: { A: 10, C: 3 } })).toEqual({ ok: true, n: { A: 10, C: 3 }, census: true });
  });

  it('names N when a size is larger than its stratum', () => {
    expect(allocate({ method: 'fixed', total: 121, strata: strata({ A: 120 }), fixed: { A: 121 } })).toEqual({ ok: false, problem: { field: 'fixed.A', message: 'must be at most N = 120' } });
  });

  it('wants whole sizes, 0 or more', () => {
    expect(allocate({ method: 'fixed', total: 1, strata: strata({ A: 120 }), fixed: { A: 1.5 } })).toEqual({ ok: false, problem: { field: 'fixed.A', message: 'must be a whole number from 0 to N = 120' } });
    expect(allocate({ method: 'fixed', total: 0, strata: strata({ A: 120 }), fixed: { A: -1 } })).toMatchObject({ ok: false, problem: { field: 'fixed.A' } });
  });

  it('wants total to equal the sum of the sizes', () => {
    expect(allocate({ method: 'fixed', total: 8, strata: strata({ A: 10, B: 10 }), fixed: { A: 4, B: 3 } })).toEqual({ ok: false, problem: { field: 'total', message: 'must equal the sum of the fixed sizes, 7' } });
    // Unlike the weighted methods, a total above ΣN is not a census but a mismatch.
    expect(allocate({ method: 'fixed', total: 50, strata: strata({ A: 10 }), fixed: { A: 10 } })).toMatchObject({ ok: false, problem: { field: 'total' } });
  });

  it('rejects a size for a key that is not a stratum', () => {
    expect(allocate({ method: 'fixed', total: 1, strata: strata({ A: 10 }), fixed: { A: 1, Z: 0 } })).toEqual({ ok: false, problem: { field: 'fixed.Z', message: 'is not one of the strata' } });
  });

  it('does not take inherited names such as "constructor" for sizes', () => {
    expect(allocate({ method: 'fixed', total: 0, strata: strata({ constructor: 5 }), fixed: {} })).toEqual({ ok: true, n: { constructor: 0 }, census: false });
  });
});

describe('allocate, input problems', () => {
  it('rejects a key given twice', () => {
    expect(allocate({ method: 'equal', total: 2, strata: [{ key: 'A', N: 5 }, { key: 'B', N: 5 }, { key: 'A', N: 3 }] })).toEqual({ ok: false, problem: { field: 'strata', message: 'has the key "A" more than once' } });
  });

  it('wants N_h and total as whole numbers, 0 or more', () => {
    expect(allocate({ method: 'equal', total: 2, strata: strata({ A: 5, B: -1 }) })).toEqual({ ok: false, problem: { field: 'strata.B', message: 'N must be a whole number, 0 or more' } });
    expect(allocate({ method: 'equal', total: 2, strata: strata({ A: 2.5 }) })).toMatchObject({ ok: false, problem: { field: 'strata.A' } });
    for (const total of [-1, 1.5, Number.NaN, MAX_ALLOCATION_TOTAL + 1]) {
      expect(allocate({ method: 'equal', total, strata: strata({ A: 5 }) })).toMatchObject({ ok: false, problem: { field: 'total' } });
    }
  });

  it('rejects an unknown method and too many strata', () => {
    expect(allocate({ method: 'random' as never, total: 1, strata: strata({ A: 5 }) })).toMatchObject({ ok: false, problem: { field: 'method' } });
    const many = Array.from({ length: MAX_STRATA + 1 }, (_, i) => ({ key: `k${i}`, N: 1 }));
    expect(allocate({ method: 'equal', total: 1, strata: many })).toMatchObject({ ok: false, problem: { field: 'strata' } });
  });

  it('reports the first problem in the documented order: total before strata, strata in key order', () => {
    expect(allocate({ method: 'equal', total: -1, strata: strata({ A: -1 }) })).toMatchObject({ ok: false, problem: { field: 'total' } });
    expect(allocate({ method: 'equal', total: 1, strata: strata({ B: -1, A: -1 }) })).toMatchObject({ ok: false, problem: { field: 'strata.A' } });
  });
});

describe('allocate, key order', () => {
  it('orders keys with characters above U+FFFF by their UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF01 (EF BC 81) < U+1F600 (F0 9F 98 80) in UTF-8, but in UTF-16 D83D < FF01. One unit,
    // two equal remainders of 0.5: the tie goes to the smaller key, U+FF01.
    const result = allocate({ method: 'equal', total: 1, strata: strata({ '\u{1F600}': 10, '\uFF01': 10 }) });
    expect(result).toEqual({ ok: true, n: { '\uFF01': 1, '\u{1F600}': 0 }, census: false });
    expect(result.ok && Object.keys(result.n)).toEqual(['\uFF01', '\u{1F600}']);
  });

  it('keeps a stratum named "__proto__" as an ordinary key', () => {
    const result = allocate({ method: 'equal', total: 2, strata: strata({ ['__proto__']: 5, a: 5 }) });
    expect(result.ok && Object.keys(result.n)).toEqual(['__proto__', 'a']);
    expect(result.ok && Object.getPrototypeOf(result.n)).toBe(Object.prototype);
  });
});

describe('allocationWeight', () => {
  it('gives each method its weight', () => {
    const stratum = { key: 'A', N: 100 };
    expect(allocationWeight('proportional', stratum)).toBe(100);
    expect(allocationWeight('equal', stratum)).toBe(1);
    expect(allocationWeight('equal', { key: 'E', N: 0 })).toBe(0);
    expect(allocationWeight('neyman', stratum)).toBe(50);
    expect(allocationWeight('neyman', stratum, 0.9)).toBeCloseTo(30, 12);
    expect(allocationWeight('neyman', stratum, 1)).toBe(0);
    expect(allocationWeight('fixed', stratum)).toBeNaN();
  });
});
