import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGateway } from '../../infra/local/gateway.js';
import { DRAW_PACK_MAX_BYTES } from '../../shared/src/contracts/sampling/draw-verification.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { call } from './fixtures.js';

/**
 * POST /api/public/draw-verifications (issue 13 §3, "the public /verify page does the same for an
 * uploaded pack"): the pack of a sampling round's draw, re-run by the real handler through the
 * local gateway. It reads and writes no table, so this file installs no runtime.
 */
const gateway = createGateway();
const PATH = '/api/public/draw-verifications';
const exampleText = readFileSync('docs/examples/manyi-draw-v1-example.json', 'utf8');
const example = JSON.parse(exampleText) as Record<string, unknown> & { sample: string[] };

const post = (body: string) => call(gateway, httpEvent('POST', PATH, { body, headers: jsonHeaders }));

describe('POST /api/public/draw-verifications', () => {
  it('passes the documented example pack: five checks, each ok, without a token', async () => {
    // Act
    const reply = await post(exampleText);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ format: 'manyi-draw-v1', round: 'example-2026-12', frameEntries: 7, sampleSize: 4, ok: true });
    expect(reply.json.checks.map((check: { check: string }) => check.check)).toEqual(['commitment', 'frameHash', 'strata', 'allocation', 'sample']);
    expect(reply.json.checks.every((check: { ok: boolean }) => check.ok)).toBe(true);
  });

  it('answers ok false with the sample check failing for a pack with one sample entry swapped', async () => {
    // Prepare: e02 was not drawn (rank 4 in lj-ga); it takes the place of e01.
    const swapped = { ...example, sample: example.sample.map((entryId) => (entryId === 'e01' ? 'e02' : entryId)) };

    // Act
    const reply = await post(JSON.stringify(swapped));

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.json.ok).toBe(false);
    const byName = Object.fromEntries(reply.json.checks.map((check: { check: string }) => [check.check, check]));
    expect(byName.sample).toMatchObject({ ok: false, detail: expect.stringMatching(/not in the pack: e01.*in the pack but not drawn: e02/) });
    for (const name of ['commitment', 'frameHash', 'strata', 'allocation']) expect(byName[name].ok, name).toBe(true);
  });

  it('refuses a pack without frameHash with a 400 naming frameHash', async () => {
    // Prepare
    const { frameHash: _dropped, ...pack } = example;

    // Act
    const reply = await post(JSON.stringify(pack));

    // Assess
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe('VALIDATION_FAILED');
    expect(reply.json.error.issues.map((issue: { field: string }) => issue.field)).toEqual(['frameHash']);
    expect(reply.json.error.message).toMatch(/^frameHash: /);
  });

  it('refuses what is not a pack at all with a 400, never a 5xx', async () => {
    for (const body of ['{ not json', '[]', '"manyi-draw-v1"', JSON.stringify({ ...example, format: 'manyi-draw-v0' })]) {
      const reply = await post(body);
      expect(reply.status, body.slice(0, 30)).toBe(400);
      expect(reply.json.error.issues.length, body.slice(0, 30)).toBeGreaterThan(0);
    }
  });

  it(`refuses a body over ${DRAW_PACK_MAX_BYTES} bytes with a 413 that points to npm run verify-draw`, async () => {
    // Prepare: the example, padded (whitespace keeps it valid JSON) to one byte over the bound.
    const body = `${' '.repeat(DRAW_PACK_MAX_BYTES + 1 - Buffer.byteLength(exampleText))}${exampleText}`;
    expect(Buffer.byteLength(body)).toBe(DRAW_PACK_MAX_BYTES + 1);

    // Act
    const over = await post(body);
    const atTheBound = await post(body.slice(1));

    // Assess
    expect(over.status).toBe(413);
    expect(over.json.error.issues[0].field).toBe('body');
    expect(over.json.error.message).toContain('npm run verify-draw');
    expect(atTheBound.status).toBe(200);
  });

  it('keeps the usual 16 KB bound on the other JSON routes', async () => {
    // A rating body just over 16 KB is still refused before it is read: the larger bound is this operation's alone.
    const reply = await call(gateway, httpEvent('POST', '/api/public/ratings', { body: `${' '.repeat(16 * 1024)}{}`, headers: jsonHeaders }));
    expect(reply.status).toBe(413);
    expect(reply.json.error.message).not.toContain('verify-draw');
  });
});
