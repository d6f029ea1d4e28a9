import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLIENT_HEADER, forwardedClient } from '#shared/domain/client-key.js';
import { clientOf } from './client.js';
import { mac128 } from './mac.js';

const event = (header?: string) => ({
  headers: header ? { [CLIENT_HEADER]: header } : {},
  requestContext: { http: { sourceIp: '203.0.113.7' } },
}) as unknown as Parameters<typeof clientOf>[0];

describe('clientOf (forwarded clients)', () => {
  const today = randomBytes(32);
  const yesterday = randomBytes(32);

  it('accepts a header proved under today’s key, the same again from memory, and never a forged one', () => {
    const header = forwardedClient(mac128, today, '198.51.100.20');
    const [hash] = header.split('.');
    expect(clientOf(event(header), [today, yesterday], 'forwarded-only')).toBe(hash);
    expect(clientOf(event(header), [today, yesterday], 'forwarded-only')).toBe(hash);
    expect(clientOf(event(`${hash}.${'A'.repeat(22)}`), [today, yesterday], 'forwarded-only')).toBeUndefined();
    // A different day key verifies nothing it did not prove, remembered or not.
    expect(clientOf(event(header), [randomBytes(32)], 'forwarded-only')).toBeUndefined();
  });

  it('accepts yesterday’s proof across midnight only while yesterday’s key is offered: it is not remembered for the day', () => {
    const header = forwardedClient(mac128, yesterday, '198.51.100.21');
    expect(clientOf(event(header), [today, yesterday], 'forwarded-only')).toBe(header.split('.')[0]);
    expect(clientOf(event(header), [today], 'forwarded-only')).toBeUndefined();
  });

  it('falls back to the source address unless only forwarded clients count', () => {
    expect(clientOf(event(), [today], 'source-ip')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(clientOf(event(), [today], 'forwarded-only')).toBeUndefined();
  });
});
