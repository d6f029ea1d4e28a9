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

/** Who a verified token names; the identity provider says nothing about what they may do. */
export interface IdentityVerifier {
  verify(token: string): Promise<{ username: string }>;
}
