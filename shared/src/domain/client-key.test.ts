import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientHash, dayKeyMessage, deviceSlot, forwardedClient, verifiedForwardedClient, type Mac } from './client-key.js';

// The MAC as the API and the web server compute it (functions/src/throttle/mac.ts).
const mac: Mac = (key, message) => createHmac('sha256', key).update(message).digest().subarray(0, 16).toString('base64url');
const dayKey = (root: Buffer, day: string) => createHmac('sha256', root).update(dayKeyMessage(day)).digest();
const root = Buffer.alloc(32, 7);
const today = dayKey(root, '2026-12-06');
const yesterday = dayKey(root, '2026-12-05');

describe('keyed client and device identities', () => {
  it('hashes an address to 128 bits that do not contain it, different per day and per address', () => {
    const hash = clientHash(mac, today, '203.0.113.7');
    expect(hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(hash).not.toContain('203');
    expect(clientHash(mac, yesterday, '203.0.113.7')).not.toBe(hash);
    expect(clientHash(mac, today, '203.0.113.8')).not.toBe(hash);
  });

  it('accepts a forwarded client with its proof under today or yesterday, and nothing forged', () => {
    const value = forwardedClient(mac, today, '203.0.113.7');
    const expected = clientHash(mac, today, '203.0.113.7');
    expect(verifiedForwardedClient(mac, [today, yesterday], value)).toBe(expected);
    expect(verifiedForwardedClient(mac, [dayKey(root, '2026-12-07'), today], value)).toBe(expected);
    const [hash, proof] = value.split('.');
    expect(verifiedForwardedClient(mac, [today], `${hash}.${'A'.repeat(22)}`)).toBeUndefined();
    expect(verifiedForwardedClient(mac, [today], `${'B'.repeat(22)}.${proof}`)).toBeUndefined();
    expect(verifiedForwardedClient(mac, [dayKey(randomBytes(32), '2026-12-06')], value)).toBeUndefined();
    for (const junk of [undefined, '', '.', 'a.b.c', `${value}.x`, 'x'.repeat(65)]) expect(verifiedForwardedClient(mac, [today], junk)).toBeUndefined();
  });

  it('gives a device one slot per window', () => {
    expect(deviceSlot(mac, today, 'w1', 'abc')).not.toBe(deviceSlot(mac, today, 'w2', 'abc'));
    expect(deviceSlot(mac, today, 'w1', 'abc')).not.toBe(deviceSlot(mac, today, 'w1', 'abd'));
  });
});
