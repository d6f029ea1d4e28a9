import { Secret, TOTP } from 'otpauth';

/**
 * The second factor: TOTP (RFC 6238) with the parameters every authenticator app supports
 * (SHA-1, 6 digits, 30-second steps). One step of clock drift either way is accepted, and a code
 * is accepted once only: the step it matched is remembered and older or equal steps are refused
 * (RFC 6238 §5.2).
 */
const PERIOD = 30;
const ISSUER = '满意 Manyi';

function totp(secretBase32: string, username: string): TOTP {
  return new TOTP({ issuer: ISSUER, label: username, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secretBase32) });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secretBase32: string, username: string): string {
  return totp(secretBase32, username).toString();
}

/** The time step `code` matches at `now` (±1 step), or undefined. */
export function matchTotp(secretBase32: string, code: string, now: Date): number | undefined {
  const delta = totp(secretBase32, '').validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / PERIOD) + delta;
}

/** For tests and the demo: the code of a secret at an instant. */
export function totpCode(secretBase32: string, now: Date): string {
  return totp(secretBase32, '').generate({ timestamp: now.getTime() });
}
