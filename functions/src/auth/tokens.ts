import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { Role } from '#shared/contracts/auth.js';

/** Who is calling: the claims every protected use case receives. */
export interface Principal {
  username: string;
  role: Role;
  unitId: string;
}

export interface TokenIssuer {
  issue(principal: Principal, now: Date): Promise<{ token: string; expiresAt: Date }>;
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/**
 * The short-lived proof that a password was right, exchanged with a TOTP code for a session token.
 * A different audience from session tokens, so a challenge is never accepted as a bearer token.
 */
export interface ChallengeTokens {
  issueChallenge(username: string, now: Date): Promise<{ challenge: string; expiresAt: Date }>;
  /** The username, or an error if forged, expired or not a challenge. */
  verifyChallenge(challenge: string, now: Date): Promise<string>;
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
export function createLocalTokens(secret: string, sessionHours: number): TokenIssuer & TokenVerifier & ChallengeTokens {
  const key = new TextEncoder().encode(secret);
  return {
    async issue(principal, now) {
      const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000);
      const token = await new SignJWT({ role: principal.role, unitId: principal.unitId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(principal.username)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(now.getTime() / 1000))
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      return principalFrom(payload);
    },
    async issueChallenge(username, now) {
      const expiresAt = new Date(now.getTime() + CHALLENGE_MINUTES * 60_000);
      const challenge = await new SignJWT({})
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
      return payload.sub;
    },
  };
}

/** AWS mode: ID tokens of the Cognito user pool, checked against its published keys. */
export function createCognitoVerifier(issuer: string, clientId: string): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  return {
    async verify(token) {
      const { payload } = await jwtVerify(token, jwks, { issuer, audience: clientId, algorithms: ['RS256'] });
      return principalFrom(payload);
    },
  };
}
