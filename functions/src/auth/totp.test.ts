import { describe, expect, it } from 'vitest';
import { matchTotp, totpCode, totpUri } from './totp.js';

// RFC 6238 Appendix B test secret (ASCII "12345678901234567890"), SHA-1.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP', () => {
  it('computes the RFC 6238 test vectors (6 digits)', () => {
    expect(totpCode(RFC_SECRET, new Date(59_000))).toBe('287082');
    expect(totpCode(RFC_SECRET, new Date(1_111_111_109_000))).toBe('081804');
    expect(totpCode(RFC_SECRET, new Date(2_000_000_000_000))).toBe('279037');
  });

  it('accepts the current code and one step of drift, and names the step it matched', () => {
    const now = new Date(1_111_111_109_000);
    const step = Math.floor(now.getTime() / 30_000);
    expect(matchTotp(RFC_SECRET, '081804', now)).toBe(step);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, new Date(now.getTime() - 30_000)), now)).toBe(step - 1);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, new Date(now.getTime() + 30_000)), now)).toBe(step + 1);
  });

  it('refuses a code two steps old and a wrong code', () => {
    const now = new Date(1_111_111_109_000);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, new Date(now.getTime() - 61_000)), now)).toBeUndefined();
    expect(matchTotp(RFC_SECRET, '000000', now)).toBeUndefined();
  });

  it('builds an otpauth:// URI carrying the issuer, the username and the secret', () => {
    const uri = totpUri(RFC_SECRET, 'zhang.wei');
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(uri).toContain(`secret=${RFC_SECRET}`);
    expect(uri).toContain('zhang.wei');
  });
});
