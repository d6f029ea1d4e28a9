import { describe, expect, it } from 'vitest';
import type { Principal } from './principal.js';
import { createLocalTokens, EnrollmentRequiredError } from './tokens.js';

const SECRET = 'a'.repeat(64);
const who: Principal = { username: 'li.qiang', role: 'unit-admin', unitId: 'lj-rs' };
const now = new Date();

describe('local tokens', () => {
  const tokens = createLocalTokens(SECRET, 8);

  it('accepts a session token everywhere, with or without allowEnrollment, and never marks it enrollment-only', async () => {
    const { token } = await tokens.issue(who, now);
    expect(await tokens.verify(token)).toEqual(who);
    expect(await tokens.verify(token, { allowEnrollment: true })).toEqual(who);
  });

  it('refuses an enrollment-only token with 403 MFA_ENROLLMENT_REQUIRED unless the route allows enrollment', async () => {
    const { token, expiresAt } = await tokens.issueEnrollment(who, now);
    const refusal = await tokens.verify(token).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(EnrollmentRequiredError);
    expect(refusal).toMatchObject({ statusCode: 403, code: 'MFA_ENROLLMENT_REQUIRED', expose: true });
    expect(await tokens.verify(token, { allowEnrollment: true })).toEqual({ ...who, enrollmentOnly: true });
    expect(expiresAt.getTime() - now.getTime()).toBe(30 * 60_000);
  });

  it('never accepts a login challenge, or a token signed with another key, as a bearer token', async () => {
    const { challenge } = await tokens.issueChallenge(who.username, now);
    await expect(tokens.verify(challenge, { allowEnrollment: true })).rejects.not.toBeInstanceOf(EnrollmentRequiredError);
    await expect(tokens.verify(challenge, { allowEnrollment: true })).rejects.toThrow();
    const foreign = createLocalTokens('b'.repeat(64), 8);
    await expect(tokens.verify((await foreign.issueEnrollment(who, now)).token, { allowEnrollment: true })).rejects.toThrow();
    await expect(tokens.verify((await foreign.issue(who, now)).token)).rejects.toThrow();
  });
});
