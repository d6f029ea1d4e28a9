import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, allocationWeight, type AllocationInput, type AllocationMethod, type StratumSize } from './allocation.js';

/** Fixed seed: a failure found once is found again on every machine. */
const RUNS = { seed: 20261206, numRuns: 1000 };

/** Keys from whole graphemes, so emoji and CJK (above and below U+FFFF) meet ASCII in the order. */
const key = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 3 }), fc.constantFrom('A', 'B', '窗口', '\uFF01', '\u{1F600}', '__proto__', 'constructor'));
const size = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 300 }));
const stratumList = fc.uniqueArray(fc.record({ key, N: size }), { selector: (stratum) => stratum.key, maxLength: 12 });
const prior = fc.oneof(fc.constant(0), fc.constant(1), fc.constant(0.5), fc.double({ min: 0, max: 1, noNaN: true }));

/** A valid input for a weighted method: total anywhere from 0 to a little above ΣN. */
const weightedInput: fc.Arbitrary<AllocationInput> = stratumList.chain((strata) => {
  const population = strata.reduce((sum, stratum) => sum + stratum.N, 0);
  return fc.record({
    method: fc.constantFrom<AllocationMethod>('proportional', 'equal', 'neyman'),
    total: fc.integer({ min: 0, max: population + 20 }),
    strata: fc.constant(strata),
    priors: fc.dictionary(fc.constantFrom(...strata.map((stratum) => stratum.key), 'elsewhere'), prior, { noNullPrototype: true }),
  });
});

/** A valid fixed input: a size from 0 to N_h for each stratum, total their sum. */
const fixedInput: fc.Arbitrary<AllocationInput> = stratumList.chain((strata) =>
  fc.tuple(...strata.map((stratum) => fc.integer({ min: 0, max: stratum.N }))).map((sizes) => ({
    method: 'fixed' as const,
    total: sizes.reduce((sum, n) => sum + n, 0),
    strata,
    fixed: Object.fromEntries(strata.map((stratum, index) => [stratum.key, sizes[index]!])),
  })),
);

const anyInput = fc.oneof(weightedInput, fixedInput);

function sizes(input: AllocationInput): Record<string, number> {
  const result = allocate(input);
  if (!result.ok) throw new Error(`unexpected problem ${JSON.stringify(result.problem)}`);
  return result.n;
}

const population = (strata: readonly StratumSize[]) => strata.reduce((sum, stratum) => sum + stratum.N, 0);

describe('allocate (properties)', () => {
  it('places exactly min(total, ΣN) units', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const n = sizes(input);
        expect(Object.values(n).reduce((sum, x) => sum + x, 0)).toBe(Math.min(input.total, population(input.strata)));
      }),
      RUNS,
    );
  });

  it('gives every stratum a whole n_h from 0 to N_h, and empty strata 0', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const n = sizes(input);
        expect(Object.keys(n)).toHaveLength(input.strata.length);
        for (const stratum of input.strata) {
          const n_h = n[stratum.key]!;
          expect(Number.isInteger(n_h)).toBe(true);
          expect(n_h).toBeGreaterThanOrEqual(0);
          expect(n_h).toBeLessThanOrEqual(stratum.N);
          if (stratum.N === 0) expect(n_h).toBe(0);
        }
      }),
      RUNS,
    );
  });

  it('marks a census exactly when every unit is taken', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = allocate(input);
        expect(result.ok && result.census).toBe(input.strata.every((stratum) => result.ok && result.n[stratum.key] === stratum.N));
      }),
      RUNS,
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        expect(allocate(input)).toEqual(allocate(structuredClone(input)));
      }),
      RUNS,
    );
  });

  it('does not depend on the order of the input strata, keys of n included', () => {
    fc.assert(
      fc.property(
        anyInput.chain((input) => fc.tuple(fc.constant(input), fc.shuffledSubarray([...input.strata], { minLength: input.strata.length }))),
        ([input, shuffled]) => {
          const a = allocate(input);
          const b = allocate({ ...input, strata: shuffled });
          expect(b).toEqual(a);
          expect(b.ok && Object.keys(b.n)).toEqual(a.ok && Object.keys(a.n));
        },
      ),
      RUNS,
    );
  });

  it('keeps a proportional n_h within 1 of its quota total·N_h/ΣN (no cap can bind: the quota is below N_h)', () => {
    fc.assert(
      fc.property(
        weightedInput.filter((input) => input.total < population(input.strata)),
        (input) => {
          const n = sizes({ ...input, method: 'proportional' });
          const all = population(input.strata);
          for (const stratum of input.strata) expect(Math.abs(n[stratum.key]! - (input.total * stratum.N) / all)).toBeLessThan(1);
        },
      ),
      RUNS,
    );
  });

  it('keeps any weighted n_h within 1 of its first quota when no quota rounded up exceeds N_h', () => {
    fc.assert(
      fc.property(
        weightedInput.filter((input) => input.total < population(input.strata)),
        (input) => {
          const open = input.strata.filter((stratum) => stratum.N > 0);
          let weights = open.map((stratum) => allocationWeight(input.method, stratum, input.priors !== undefined && Object.hasOwn(input.priors, stratum.key) ? input.priors[stratum.key] : undefined));
          if (weights.every((w) => w === 0)) weights = open.map((stratum) => stratum.N);
          const W = weights.reduce((sum, w) => sum + w, 0);
          const quotas = weights.map((w) => (input.total * w) / W);
          fc.pre(open.every((stratum, i) => Math.ceil(quotas[i]!) <= stratum.N));
          const n = sizes(input);
          open.forEach((stratum, i) => expect(Math.abs(n[stratum.key]! - quotas[i]!)).toBeLessThan(1));
        },
      ),
      RUNS,
    );
  });
});
