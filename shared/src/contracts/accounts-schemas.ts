import * as z from 'zod';
import { LoginOutput, Role } from './auth.js';
import { text } from './text.js';

/**
 * Inputs and outputs of the accounts capability: second factor, account management, audit log.
 * Input schemas are strict (an extra key such as `role` in a login is refused, not ignored).
 */

const Username = z
  .string()
  .min(3, { error: 'must be 3–32 characters' })
  .max(32, { error: 'must be 3–32 characters' })
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'may contain only a–z, 0–9, dot, underscore and hyphen' });
const DisplayName = text({ min: 1, max: 40 });
/** Who the account belongs to (工号 or another stable person reference), used for separation of duties. */
const PersonId = text({ min: 1, max: 32 });
const UnitId = z.string().min(1, { error: 'is required' }).max(64);
/** The policy itself (length, classes, not the username) is checked by the use case, which knows the username. */
const NewPassword = z.string().min(1, { error: 'is required' }).max(256, { error: 'must be at most 256 characters' });
const TotpCode = z.string().regex(/^\d{6}$/, { error: 'must be 6 digits' });

export const LoginTotpInput = z
  .strictObject({ challenge: z.string().min(1, { error: 'is required' }).max(4096), code: TotpCode })
  .meta({ id: 'LoginTotpInput', examples: [{ challenge: 'eyJhbGciOiJIUzI1NiJ9…', code: '492039' }] });
export type LoginTotpInput = z.infer<typeof LoginTotpInput>;

/** First step of a login that needs the second factor. */
export const LoginMfaRequired = z
  .object({
    mfaRequired: z.literal(true),
    challenge: z.string().meta({ description: 'Short-lived token for POST /api/auth/login/totp: locally a signed token (5 minutes); in AWS it carries the Cognito challenge session (3 minutes)' }),
    expiresAt: z.string(),
    setup: z
      .object({ secret: z.string(), uri: z.string() })
      .optional()
      .meta({ description: 'AWS only, first login of an account without TOTP (Cognito MFA_SETUP): the new secret to add to an authenticator app; the code sent to /api/auth/login/totp confirms it' }),
  })
  .meta({ id: 'LoginMfaRequired' });
export type LoginMfaRequired = z.infer<typeof LoginMfaRequired>;

/**
 * A session token. `mfaEnrollmentRequired`: the role must use a second factor and has none yet; the
 * token is then enrollment-only (accepted by the TOTP enrollment routes, 403 everywhere else) and
 * the web app sends the person to enrollment.
 */
export const LoginSuccess = LoginOutput.extend({
  mfaEnrollmentRequired: z
    .boolean()
    .optional()
    .meta({ description: 'true: the token is enrollment-only (POST /api/auth/totp/enrollment and /confirm); log in again after enrolling' }),
}).meta({ id: 'LoginSuccess' });
export type LoginSuccess = z.infer<typeof LoginSuccess>;

export const LoginAnswer = z.union([LoginSuccess, LoginMfaRequired]).meta({ id: 'LoginAnswer' });
export type LoginAnswer = z.infer<typeof LoginAnswer>;

export const TotpEnrollment = z
  .object({
    secret: z.string().meta({ description: 'Base32 secret, to type into an authenticator app' }),
    uri: z.string().meta({ description: 'otpauth://totp/… URI, to show as a QR code' }),
  })
  .meta({ id: 'TotpEnrollment' });
export type TotpEnrollment = z.infer<typeof TotpEnrollment>;

export const TotpConfirmInput = z.strictObject({ code: TotpCode }).meta({ id: 'TotpConfirmInput' });
export type TotpConfirmInput = z.infer<typeof TotpConfirmInput>;

/** An account as administrators see it: never a hash, never a secret. */
export const AccountView = z
  .object({
    username: z.string(),
    displayName: z.string(),
    personId: z.string(),
    role: Role,
    unitId: z.string(),
    disabled: z.boolean(),
    mfaEnrolled: z.boolean(),
  })
  .meta({ id: 'AccountView' });
export type AccountView = z.infer<typeof AccountView>;

export const AccountList = z.object({ accounts: z.array(AccountView) }).meta({ id: 'AccountList' });
export type AccountList = z.infer<typeof AccountList>;

export const AccountCreateInput = z
  .strictObject({ username: Username, displayName: DisplayName, personId: PersonId, role: Role, unitId: UnitId, password: NewPassword })
  .meta({ id: 'AccountCreateInput' });
export type AccountCreateInput = z.infer<typeof AccountCreateInput>;

export const AccountParams = z.strictObject({ username: text({ min: 1, max: 64, trim: false }) }).meta({ id: 'AccountParams' });

export const AccountUpdateInput = z
  .strictObject({ displayName: DisplayName.optional(), role: Role.optional(), unitId: UnitId.optional(), disabled: z.boolean().optional() })
  .meta({ id: 'AccountUpdateInput' });
export type AccountUpdateInput = z.infer<typeof AccountUpdateInput>;

export const AccountPasswordResetInput = z
  .strictObject({ password: NewPassword, resetSecondFactor: z.boolean().optional() })
  .meta({ id: 'AccountPasswordResetInput' });
export type AccountPasswordResetInput = z.infer<typeof AccountPasswordResetInput>;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a day YYYY-MM-DD' });

export const AuditQuery = z
  .strictObject({
    from: Day,
    to: Day,
    actor: text({ max: 64, trim: false }).optional(),
    action: text({ max: 64, trim: false }).optional(),
    cursor: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(200).optional(),
  })
  .meta({ id: 'AuditQuery' });
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntryView = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    role: z.string(),
    action: z.string(),
    objectType: z.string(),
    objectId: z.string(),
    unitId: z.string().optional(),
    result: z.string(),
    detail: z.string().optional(),
  })
  .meta({ id: 'AuditEntryView' });
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditPageView = z
  .object({ entries: z.array(AuditEntryView), cursor: z.string().optional() })
  .meta({ id: 'AuditPageView' });
export type AuditPageView = z.infer<typeof AuditPageView>;

export const AuditExportQuery = AuditQuery.omit({ cursor: true, limit: true }).meta({ id: 'AuditExportQuery' });
export type AuditExportQuery = z.infer<typeof AuditExportQuery>;
