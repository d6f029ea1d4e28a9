import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalFrameText, commitmentOf, drawKey, drawSample, frameHashOf, frameProblem, fromHex, publicInputProblem, stratumSizes, type DrawCrypto, type FrameEntry } from './draw.js';

const crypto: DrawCrypto = {
  sha256: (data) => createHash('sha256').update(data).digest(),
  hmacSha256: (key, data) => createHmac('sha256', key).update(data).digest(),
};

/**
 * The worked example of docs/decisions/0017-manyi-draw-v1.md. The expected values were computed
 * with Python's hashlib and hmac from the format's text alone (the script is in the decision
 * record), not with this code: a known-answer test of the public format.
 */
const example = {
  seed: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  commitment: '630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd',
  frame: [
    { stratum: 'lj-sw', entryId: 'e07' },
    { stratum: 'lj-ga', entryId: 'e02' },
    { stratum: 'lj-ga', entryId: 'e01' },
    { stratum: 'lj-sw', entryId: 'e05' },
    { stratum: 'lj-ga', entryId: 'e04' },
    { stratum: 'lj-sw', entryId: 'e06' },
    { stratum: 'lj-ga', entryId: 'e03' },
  ],
  frameHash: '382ba0bdb4fa7a67a0a58a506375497f89e5b075f14360d65964b0cc73dd38df',
  publicInput: '20261206',
  keys: {
    e01: '3584afff541b20a3408bf44e8bd51c28bee9a09ba6e8701db1f7d822e6fd8e64',
    e02: 'e697fc7c0456994a61557731463aa299c62927c55d568fc3247308c9ecf8bb15',
    e03: '1fd1a0edc096ced0cea8b8454703a4f8fdb15fb3ea2d61b479d90423bf53f682',
    e04: '8ebccd77e75932f34e1285a84c313b1b43f920479491f1be6be4d269511b02ca',
    e05: 'eba7f99011ee7095386868bd9b97a05299125ae488eaa776d6834b88c10a098b',
    e06: 'b301d7cd512858ef92e8211edb7eb5e04e765d4abacd35a88a0f7734032494eb',
    e07: 'ca54678248087cc17fea3c487edadb4e84869d074dc3f46a26f5ebd7acd76f07',
  } as Record<string, string>,
  sample: ['e03', 'e01', 'e06', 'e07'],
};
const exampleSeed = fromHex(example.seed)!;

describe('manyi-draw-v1: the worked example', () => {
  it('commits to the seed with SHA-256', () => {
    expect(commitmentOf(exampleSeed, crypto)).toBe(example.commitment);
  });

  it('hashes the canonical frame text: sorted by stratum then entry id, one tab-separated line each', () => {
    expect(canonicalFrameText(example.frame)).toBe('lj-ga\te01\nlj-ga\te02\nlj-ga\te03\nlj-ga\te04\nlj-sw\te05\nlj-sw\te06\nlj-sw\te07\n');
    expect(frameHashOf(example.frame, crypto)).toBe(example.frameHash);
    expect(stratumSizes(example.frame)).toEqual([
      { key: 'lj-ga', N: 4 },
      { key: 'lj-sw', N: 3 },
    ]);
  });

  it('keys every entry with HMAC-SHA256 over frameHash, publicInput, stratum and entry id', () => {
    for (const entry of example.frame) expect(drawKey(exampleSeed, example.frameHash, example.publicInput, entry, crypto), entry.entryId).toBe(example.keys[entry.entryId]);
  });

  it('gets the same keys through a platform’s string-and-hex fast path (hmacSha256Hex)', () => {
    const fast: DrawCrypto = { ...crypto, hmacSha256Hex: (key, text) => createHmac('sha256', key).update(text, 'utf8').digest('hex') };
    for (const entry of example.frame) expect(drawKey(exampleSeed, example.frameHash, example.publicInput, entry, fast), entry.entryId).toBe(example.keys[entry.entryId]);
    // Beyond ASCII too: Chinese strata, an emoji (a surrogate pair) in the public input.
    const entry = { stratum: '临江县不动产登记中心', entryId: 'x😀' };
    expect(drawKey(exampleSeed, example.frameHash, '会上宣布 8848 🎲', entry, fast)).toBe(drawKey(exampleSeed, example.frameHash, '会上宣布 8848 🎲', entry, crypto));
  });

  it('takes the first n_h by key in each stratum, strata in byte order', () => {
    const sample = drawSample({ seed: exampleSeed, frameHash: example.frameHash, publicInput: example.publicInput, frame: example.frame, sizes: { 'lj-ga': 2, 'lj-sw': 2 } }, crypto);
    expect(sample.map((entry) => entry.entryId)).toEqual(example.sample);
  });
});

describe('manyi-draw-v1: what the frame and the public input may hold', () => {
  it('refuses separators inside keys, empty keys and an entry twice, naming the entry', () => {
    expect(frameProblem([{ stratum: 'a\tb', entryId: 'x' }])?.field).toBe('frame.0.stratum');
    expect(frameProblem([{ stratum: 'a', entryId: '' }])?.field).toBe('frame.0.entryId');
    expect(frameProblem([{ stratum: 'a', entryId: 'x' }, { stratum: 'b', entryId: 'x' }])).toEqual({ field: 'frame.1.entryId', message: 'appears twice in the frame (one entry per person)' });
    expect(frameProblem(example.frame)).toBeUndefined();
  });

  it('takes a public input of one printable line up to 200 characters', () => {
    expect(publicInputProblem('')).toBeUndefined();
    expect(publicInputProblem('福彩3D 第2026331期 开奖号 517')).toBeUndefined();
    expect(publicInputProblem('a\nb')?.field).toBe('publicInput');
    expect(publicInputProblem('字'.repeat(201))?.field).toBe('publicInput');
  });
});

const entryArb = fc.record({ stratum: fc.constantFrom('A', 'B', 'C', '窗口'), entryId: fc.string({ minLength: 1, maxLength: 8 }).filter((id) => !/[\t\n\r]/.test(id)) });
const frameArb = fc.uniqueArray(entryArb, { minLength: 1, maxLength: 60, selector: (entry) => entry.entryId });
const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const sizesFor = (frame: FrameEntry[], fraction: number) => Object.fromEntries(stratumSizes(frame).map(({ key, N }) => [key, Math.floor(N * fraction)]));

describe('manyi-draw-v1: properties', () => {
  const params = { seed: 20261206, numRuns: 200 };

  it('draws exactly n_h per stratum, each entry at most once, from the frame only', () => {
    fc.assert(
      fc.property(seedArb, frameArb, fc.double({ min: 0, max: 1, noNaN: true }), (seed, frame, fraction) => {
        const sizes = sizesFor(frame, fraction);
        const sample = drawSample({ seed, frameHash: frameHashOf(frame, crypto), publicInput: '', frame, sizes }, crypto);
        for (const { key } of stratumSizes(frame)) expect(sample.filter((entry) => entry.stratum === key)).toHaveLength(sizes[key]!);
        expect(new Set(sample.map((entry) => entry.entryId)).size).toBe(sample.length);
        const ids = new Set(frame.map((entry) => entry.entryId));
        expect(sample.every((entry) => ids.has(entry.entryId))).toBe(true);
      }),
      params,
    );
  });

  it('gives the same sample for the same inputs, whatever the order the frame arrives in', () => {
    fc.assert(
      fc.property(seedArb, frameArb, fc.string(), (seed, frame, publicInput) => {
        const sizes = sizesFor(frame, 0.5);
        const draw = (entries: FrameEntry[]) => drawSample({ seed, frameHash: frameHashOf(entries, crypto), publicInput, frame: entries, sizes }, crypto).map((entry) => entry.entryId);
        expect(draw([...frame].reverse())).toEqual(draw(frame));
      }),
      params,
    );
  });

  it('changes the draw keys with any change of seed, public input or frame', () => {
    // Any change gives every entry a new key, so the order of a stratum (and so a sample of any
    // n_h between 1 and N_h − 1) is a fresh one: asserted on the keys, which is what the sample is cut from.
    fc.assert(
      fc.property(seedArb, seedArb, frameArb, fc.string(), fc.string(), (seed, otherSeed, frame, publicInput, otherInput) => {
        fc.pre(toKey(seed) !== toKey(otherSeed) && publicInput !== otherInput);
        const frameHash = frameHashOf(frame, crypto);
        const keys = (s: Uint8Array, input: string, hash: string) => frame.map((entry) => drawKey(s, hash, input, entry, crypto));
        const base = keys(seed, publicInput, frameHash);
        const changedFrame = frameHashOf([...frame, { stratum: 'A', entryId: `${frame.map((entry) => entry.entryId).join('')}+` }], crypto);
        for (const other of [keys(otherSeed, publicInput, frameHash), keys(seed, otherInput, frameHash), keys(seed, publicInput, changedFrame)]) {
          expect(other.every((key, index) => key !== base[index])).toBe(true);
        }
      }),
      params,
    );
  });

  it('includes every entry with the same probability n_h / N_h (chi-square over 2,000 seeds)', () => {
    // One stratum of 10 entries, n = 3, seeds SHA-256("seed-{i}"): each entry is expected in
    // 2,000 × 3/10 = 600 samples. χ² with 9 degrees of freedom stays below 27.88 with
    // probability 0.999 under uniform inclusion; the seeds are fixed, so the test is deterministic.
    const frame = Array.from({ length: 10 }, (_, index) => ({ stratum: 'S', entryId: `entry-${index}` }));
    const frameHash = frameHashOf(frame, crypto);
    const counts = new Map(frame.map((entry) => [entry.entryId, 0]));
    const rounds = 2000;
    for (let round = 0; round < rounds; round++) {
      const seed = crypto.sha256(new TextEncoder().encode(`seed-${round}`));
      for (const entry of drawSample({ seed, frameHash, publicInput: '', frame, sizes: { S: 3 } }, crypto)) counts.set(entry.entryId, counts.get(entry.entryId)! + 1);
    }
    const expected = (rounds * 3) / 10;
    const chiSquare = [...counts.values()].reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(rounds * 3);
    expect(chiSquare).toBeLessThan(27.88);
  });
});

function toKey(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
