import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allocate } from './allocation.js';
import { commitmentOf, drawSample, frameHashOf, stratumSizes, toHex, type DrawCrypto } from './draw.js';
import { verifyDrawPack, type DrawPack } from './draw-verify.js';

const crypto: DrawCrypto = {
  sha256: (data) => createHash('sha256').update(data).digest(),
  hmacSha256: (key, data) => createHmac('sha256', key).update(data).digest(),
};

/** A round's pack as the server will publish it: 2,000 people in 5 strata, Neyman over priors. */
function roundPack(): DrawPack {
  const seed = crypto.sha256(new TextEncoder().encode('a round of 2026-12'));
  const frame = Array.from({ length: 2000 }, (_, index) => ({
    stratum: ['lj-ga', 'lj-sw', 'lj-rs', '窗口-α', 'lj-bdc'][index % 5 === 4 && index % 3 === 0 ? 0 : index % 5]!,
    entryId: toHex(crypto.sha256(new TextEncoder().encode(`person-${index}`))).slice(0, 32),
  }));
  const frameHash = frameHashOf(frame, crypto);
  const strata = stratumSizes(frame);
  const priors = { 'lj-ga': 0.92, 'lj-sw': 0.75, '窗口-α': 0.5 };
  const allocation = allocate({ method: 'neyman', total: 300, strata, priors });
  if (!allocation.ok) throw new Error(allocation.problem.message);
  const sample = drawSample({ seed, frameHash, publicInput: '第2026331期 517', frame, sizes: allocation.n }, crypto);
  return {
    format: 'manyi-draw-v1',
    round: 'r-2026-12',
    commitment: commitmentOf(seed, crypto),
    seed: toHex(seed),
    publicInput: '第2026331期 517',
    frameHash,
    allocation: { method: 'neyman', total: 300, priors },
    strata: strata.map(({ key, N }) => ({ key, N, n: allocation.n[key]! })),
    frame,
    sample: sample.map((entry) => entry.entryId),
  };
}

const failing = (pack: DrawPack) => verifyDrawPack(pack, crypto).filter((check) => !check.ok).map((check) => check.check);

describe('verifying a manyi-draw-v1 pack', () => {
  it('passes every check on the documented example and on a round’s pack', () => {
    const example = JSON.parse(readFileSync(new URL('../../../../docs/examples/manyi-draw-v1-example.json', import.meta.url), 'utf8')) as DrawPack;
    expect(verifyDrawPack(example, crypto).map((check) => [check.check, check.ok])).toEqual([
      ['commitment', true],
      ['frameHash', true],
      ['strata', true],
      ['allocation', true],
      ['sample', true],
    ]);
    const pack = roundPack();
    expect(pack.sample).toHaveLength(300);
    expect(failing(pack)).toEqual([]);
  });

  it('fails the sample when one drawn entry is swapped for one that was not drawn', () => {
    const pack = roundPack();
    const drawn = new Set(pack.sample);
    const outsider = pack.frame.find((entry) => entry.stratum === 'lj-sw' && !drawn.has(entry.entryId))!;
    const swapAt = pack.sample.findIndex((entryId) => pack.frame.find((entry) => entry.entryId === entryId)!.stratum === 'lj-sw');
    pack.sample[swapAt] = outsider.entryId;
    const checks = verifyDrawPack(pack, crypto);
    expect(checks.filter((check) => !check.ok).map((check) => check.check)).toEqual(['sample']);
    expect(checks.find((check) => check.check === 'sample')!.detail).toContain(outsider.entryId.slice(0, 16));
  });

  it('names what else was tampered with: the seed, the frame, a stratum size, an allocation', () => {
    expect(failing({ ...roundPack(), seed: '00'.repeat(32) })).toEqual(['commitment', 'sample']);
    const dropped = roundPack();
    dropped.frame = dropped.frame.slice(1);
    expect(failing(dropped)).toEqual(expect.arrayContaining(['frameHash', 'strata']));
    const resized = roundPack();
    resized.strata[0]!.n += 1;
    resized.strata[1]!.n -= 1;
    expect(failing(resized)).toEqual(['allocation', 'sample']);
    expect(failing({ ...roundPack(), publicInput: '518' })).toEqual(['sample']);
  });

  it('says the seed is not revealed yet on a pack of an open round, and still checks the frame and allocation', () => {
    const { seed: _seed, ...open } = roundPack();
    const checks = verifyDrawPack(open, crypto);
    expect(checks.map((check) => [check.check, check.ok])).toEqual([
      ['commitment', false],
      ['frameHash', true],
      ['strata', true],
      ['allocation', true],
      ['sample', false],
    ]);
    expect(checks[0]!.detail).toContain('not revealed yet');
  });
});
