import type { TotpConfirmInput, TotpEnrollment } from '#shared/contracts/accounts-schemas.js';
import type { Principal } from '../../auth/principal.js';
import { matchTotp, newTotpSecret, totpUri } from '../../auth/totp.js';
import type { Accounts } from '../../data/accounts.js';
import type { ContactSealer } from '../../data/contact-sealer.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { record, type AccessDeps } from '../../access/index.js';

export interface TotpEnrollmentDeps extends AccessDeps {
  accounts: Pick<Accounts, 'get' | 'save' | 'useTotpStep'>;
  /** The AES-256-GCM sealer of the contact store, reused for TOTP secrets (never logged, never listed). */
  sealer: Pick<ContactSealer, 'seal' | 'open'>;
}

/**
 * Enrollment of the caller's own second factor: a new secret is kept sealed as "pending" and
 * shown once (QR + text); it becomes the account's factor only when a code from it is confirmed.
 * An account that already has a factor must have it reset by a system admin first.
 */
export async function startTotpEnrollment(deps: TotpEnrollmentDeps, principal: Principal): Promise<TotpEnrollment> {
  const account = await deps.accounts.get(principal.username);
  if (!account) throw new NotFoundError('username', 'account');
  if (account.totpSecret) {
    await record(deps, principal, { action: 'totp.enroll-start', objectType: 'account', objectId: account.username }, 'denied', { detail: 'already enrolled' });
    throw new ConflictError('totp', 'a second factor is already enrolled; ask a system administrator to reset it');
  }
  const secret = newTotpSecret();
  await deps.accounts.save({ ...account, totpPending: await deps.sealer.seal(secret), updatedAt: deps.now().toISOString() });
  await record(deps, principal, { action: 'totp.enroll-start', objectType: 'account', objectId: account.username, unitId: account.unitId }, 'ok');
  return { secret, uri: totpUri(secret, account.username) };
}

export async function confirmTotpEnrollment(deps: TotpEnrollmentDeps, principal: Principal, input: TotpConfirmInput): Promise<{ enrolled: true }> {
  const attempt = { action: 'totp.enroll', objectType: 'account', objectId: principal.username };
  const account = await deps.accounts.get(principal.username);
  if (!account?.totpPending || account.totpSecret) throw new ConflictError('code', 'no enrollment in progress; start again');
  const step = matchTotp(await deps.sealer.open(account.totpPending), input.code, deps.now());
  if (step === undefined) {
    await record(deps, principal, { ...attempt, unitId: account.unitId }, 'invalid', { detail: 'wrong code' });
    throw ValidationError.forField('code', 'the code is incorrect');
  }
  const { totpPending, ...rest } = account;
  await deps.accounts.save({ ...rest, totpSecret: totpPending, totpLastStep: step, updatedAt: deps.now().toISOString() });
  await record(deps, principal, { ...attempt, unitId: account.unitId }, 'ok');
  return { enrolled: true };
}
