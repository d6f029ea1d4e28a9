import type { Role } from '#shared/contracts/auth.js';

/** Who is calling: the claims every protected use case receives. */
export interface Principal {
  username: string;
  role: Role;
  unitId: string;
  /**
   * Set only on the principal of an enrollment-only token (an admin role that has not enrolled its
   * second factor yet): the TOTP enrollment routes accept it, every other route refuses it.
   */
  enrollmentOnly?: true;
  /**
   * Local tokens: the account's session version when the token was issued. Disabling the account,
   * changing its role or scope, resetting its password or factor, and logging out bump the
   * account's version, and every older token stops working (auth/account-principals.ts).
   */
  sessionVersion?: number;
}

export interface TokenIssuer {
  /** A session token: accepted by every bearer route (the route's own checks still apply). */
  issue(principal: Principal, now: Date): Promise<{ token: string; expiresAt: Date }>;
}

export interface VerifyOptions {
  /** Accept an enrollment-only token too (the TOTP enrollment routes only). Default: refuse it. */
  allowEnrollment?: boolean;
}

export interface TokenVerifier {
  /**
   * The principal of a valid token. An enrollment-only token is refused with
   * EnrollmentRequiredError (403) unless `allowEnrollment`; anything else invalid throws.
   */
  verify(token: string, options?: VerifyOptions): Promise<Principal>;
}

/**
 * Who a verified token names; the identity provider says nothing about what they may do. A local
 * token also says which session version of the account it belongs to and whether it is an
 * enrollment-only token; a Cognito ID token says neither.
 */
export interface IdentityVerifier {
  verify(token: string, options?: VerifyOptions): Promise<{ username: string; sessionVersion?: number; enrollmentOnly?: true }>;
}
