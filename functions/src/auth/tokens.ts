import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { IdentityVerifier, Principal, TokenIssuer, TokenVerifier, VerifyOptions } from './principal.js';
import { Role } from '#shared/contracts/auth.js';
import { AppError } from '../errors.js';

/**
 * 403 for an enrollment-only token on any route but the TOTP enrollment ones. Thrown by the shared
 * verifier, so no route can forget the check.
 */
export class EnrollmentRequiredError extends AppError {
  override name = 'EnrollmentRequiredError';
  override readonly statusCode = 403;
  override readonly code = 'MFA_ENROLLMENT_REQUIRED';
  override readonly expose = true;
  constructor() {
    const message =
      'Authorization: this role must enrol a TOTP second factor first (POST /api/auth/totp/enrollment, then /confirm; web: /admin/accounts/totp), then log in again';
    super(message, { issues: [{ field: 'Authorization', message }] });
  }
}

/** How long an enrollment-only token lives: enough to scan a QR and type a code, not a working session. */
export const ENROLLMENT_MINUTES = 30;
const ENROLLMENT_AUDIENCE = 'manyi-totp-enrollment';

/**
 * The short-lived proof that a password was right, exchanged with a TOTP code for a session token.
 * A different audience from session tokens, so a challenge is never accepted as a bearer token.
 */
export interface ChallengeTokens {
  issueChallenge(username: string, now: Date): Promise<{ challenge: string; expiresAt: Date }>;
  /**
   * An enrollment-only token (its own audience, ENROLLMENT_MINUTES): accepted by the TOTP enrollment
   * routes only. Issued by the password step to an account in a second-factor role without a factor.
   */
  issueEnrollment(principal: Principal, now: Date): Promise<{ token: string; expiresAt: Date }>;
  /**
   * The username and when the challenge was issued (ms), or an error if forged, expired or not a
   * challenge. `issued` makes a challenge single-use: the login records the last one used.
   */
  verifyChallenge(challenge: string, now: Date): Promise<{ username: string; issued: number }>;
}

export const CHALLENGE_MINUTES = 5;
const CHALLENGE_AUDIENCE = 'manyi-mfa-challenge';

const ISSUER = 'manyi-local';
const AUDIENCE = 'manyi-api';

function principalFrom(payload: JWTPayload): Principal {
  const role = Role.parse(payload['custom:role'] ?? payload.role);
  const unitId = String(payload['custom:unitId'] ?? payload.unitId ?? '');
  const username = String(payload['cognito:username'] ?? payload.sub ?? '');
  if (!username || !unitId) throw new Error('token lacks subject or unit');
  return { username, role, unitId };
}

/** Local mode: HS256 tokens signed by the app with a secret kept under .data/. */
/** A local token read as an identity (who, which session, enrollment-only?) for auth/account-principals.ts. */
export interface LocalIdentity {
  verifyIdentity: IdentityVerifier['verify'];
}

export function createLocalTokens(secret: string, sessionHours: number): TokenIssuer & TokenVerifier & ChallengeTokens & LocalIdentity {
  const key = new TextEncoder().encode(secret);
  async function claims(token: string, options: VerifyOptions) {
    // Both audiences verify (signature, issuer, expiry); which one decides what the token may do.
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: [AUDIENCE, ENROLLMENT_AUDIENCE], algorithms: ['HS256'] });
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    // A token from before session versions existed counts as version 0.
    const sessionVersion = typeof payload.sv === 'number' ? payload.sv : 0;
    if (audiences.includes(AUDIENCE)) return { principal: principalFrom(payload), sessionVersion, enrollmentOnly: undefined };
    if (!options.allowEnrollment) throw new EnrollmentRequiredError();
    return { principal: principalFrom(payload), sessionVersion, enrollmentOnly: true as const };
  }
  return {
    async issue(principal, now) {
      const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000);
      const token = await new SignJWT({ role: principal.role, unitId: principal.unitId, sv: principal.sessionVersion ?? 0 })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(principal.username)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(now.getTime() / 1000))
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
    async issueEnrollment(principal, now) {
      const expiresAt = new Date(now.getTime() + ENROLLMENT_MINUTES * 60_000);
      const token = await new SignJWT({ role: principal.role, unitId: principal.unitId, sv: principal.sessionVersion ?? 0 })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(principal.username)
        .setIssuer(ISSUER)
        .setAudience(ENROLLMENT_AUDIENCE)
        .setIssuedAt(Math.floor(now.getTime() / 1000))
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
    async verify(token, options = {}) {
      const { principal, enrollmentOnly } = await claims(token, options);
      return enrollmentOnly ? { ...principal, enrollmentOnly } : principal;
    },
    async verifyIdentity(token, options = {}) {
      const { principal, enrollmentOnly, sessionVersion } = await claims(token, options);
      return { username: principal.username, sessionVersion, ...(enrollmentOnly ? { enrollmentOnly } : {}) };
    },
    async issueChallenge(username, now) {
      const expiresAt = new Date(now.getTime() + CHALLENGE_MINUTES * 60_000);
      // `n`: the issue time in ms (`iat` has whole seconds only), remembered when the challenge is used.
      const challenge = await new SignJWT({ n: now.getTime() })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(username)
        .setIssuer(ISSUER)
        .setAudience(CHALLENGE_AUDIENCE)
        .setIssuedAt(Math.floor(now.getTime() / 1000))
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { challenge, expiresAt };
    },
    async verifyChallenge(challenge, now) {
      const { payload } = await jwtVerify(challenge, key, {
        issuer: ISSUER,
        audience: CHALLENGE_AUDIENCE,
        algorithms: ['HS256'],
        currentDate: now,
      });
      if (!payload.sub) throw new Error('challenge lacks subject');
      if (typeof payload.n !== 'number' || !Number.isSafeInteger(payload.n)) throw new Error('challenge lacks its issue time');
      return { username: payload.sub, issued: payload.n };
    },
  };
}

/**
 * AWS mode: ID tokens of the Cognito user pool, checked against its published keys. Only the
 * identity is taken from the token; role and scope come from our accounts table
 * (auth/account-principals.ts).
 */
export function createCognitoIdentity(issuer: string, clientId: string): IdentityVerifier {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  return {
    // Cognito completes MFA before it issues tokens: there is no enrollment-only Cognito token.
    async verify(token) {
      // `exp` required: jose checks it only when present, and a token that never expires is no ID token.
      const { payload } = await jwtVerify(token, jwks, { issuer, audience: clientId, algorithms: ['RS256'], requiredClaims: ['exp'] });
      // The pool signs its access tokens with the same keys: only an ID token says who signed in.
      if (payload.token_use !== 'id') throw new Error('not a Cognito ID token (token_use)');
      const username = String(payload['cognito:username'] ?? '');
      if (!username) throw new Error('token lacks cognito:username');
      return { username };
    },
  };
}
