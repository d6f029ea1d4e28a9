import type {
  AccountCreateInput,
  AccountList,
  AccountPasswordResetInput,
  AccountUpdateInput,
  AccountView,
} from '#shared/contracts/accounts-schemas.js';
import type { Role } from '#shared/contracts/auth.js';
import { EXTERNAL_PASSWORD, hashPassword } from '../../auth/password.js';
import { describePasswordProblems, passwordProblems } from '../../auth/password-policy.js';
import type { Principal } from '../../auth/principal.js';
import { summarize, type AccountRecord, type Accounts } from '../../data/accounts.js';
import type { IdentityDirectory } from '../../data/cognito-admin.js';
import type { UnitStore } from '../../data/units.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { authorize, record, refuse, type AccessDeps } from '../../access/index.js';

export interface ManageAccountsDeps extends AccessDeps {
  accounts: Pick<Accounts, 'get' | 'create' | 'save' | 'list'>;
  units: Pick<UnitStore, 'get'>;
  /**
   * AWS mode: the Cognito user pool, kept in step (user, password, enabled, TOTP). Passwords then
   * live only in the pool; the account record keeps role and scope, with EXTERNAL_PASSWORD.
   */
  identities?: IdentityDirectory | undefined;
}

/**
 * Separation of duties (GB/T 22239-2019 8.1.4.2 c, 三权分立): an account has exactly one role, and
 * one person (personId, e.g. 工号) never holds both a system-admin and an auditor account, so the
 * people who administer cannot also erase the traces of it. Returns the conflicting account.
 */
export function dutyConflict(accounts: readonly { username: string; personId: string; role: Role }[], candidate: { username: string; personId: string; role: Role }) {
  const opposite: Partial<Record<Role, Role>> = { 'system-admin': 'auditor', auditor: 'system-admin' };
  const other = opposite[candidate.role];
  if (!other) return undefined;
  return accounts.find((a) => a.username !== candidate.username && a.personId === candidate.personId && a.role === other);
}

function passwordProblem(password: string, username: string): ValidationError | undefined {
  const problems = passwordProblems(password, username);
  return problems.length > 0 ? ValidationError.forField('password', describePasswordProblems(problems)) : undefined;
}

async function unitProblem(deps: ManageAccountsDeps, unitId: string | undefined): Promise<ValidationError | undefined> {
  if (unitId === undefined || (await deps.units.get(unitId))) return undefined;
  return ValidationError.forField('unitId', 'names no unit');
}

export async function listAccounts(deps: ManageAccountsDeps, principal: Principal): Promise<AccountList> {
  await authorize(deps, principal, 'accounts:manage', { action: 'account.list', objectType: 'account', objectId: '*' });
  const accounts = await deps.accounts.list();
  return { accounts: accounts.sort((a, b) => a.username.localeCompare(b.username)) };
}

export async function createAccount(deps: ManageAccountsDeps, principal: Principal, input: AccountCreateInput): Promise<AccountView> {
  const attempt = { action: 'account.create', objectType: 'account', objectId: input.username, unitId: input.unitId };
  await authorize(deps, principal, 'accounts:manage', attempt);
  // A refused request is audited like every other outcome (the message names the rule, never the password).
  const invalid = passwordProblem(input.password, input.username) ?? (await unitProblem(deps, input.unitId));
  if (invalid) await refuse(deps, principal, attempt, invalid);
  const conflict = dutyConflict(await deps.accounts.list(), input);
  if (conflict) {
    await record(deps, principal, attempt, 'invalid', { detail: `separation of duties: person already holds ${conflict.role}` });
    throw new ConflictError('personId', `this person already holds a ${conflict.role} account; nobody may be both system-admin and auditor`);
  }
  const created: AccountRecord = {
    username: input.username,
    displayName: input.displayName,
    personId: input.personId,
    role: input.role,
    unitId: input.unitId,
    passwordHash: deps.identities ? EXTERNAL_PASSWORD : await hashPassword(input.password),
    disabled: false,
    updatedAt: deps.now().toISOString(),
  };
  if (deps.identities) {
    // The pool first (its username must be free), then our record; undo the pool user if the
    // record cannot be written, so no half-made account is left behind.
    if (!(await deps.identities.createUser(input.username, input.password))) {
      await record(deps, principal, attempt, 'invalid', { detail: 'username taken in the user pool' });
      throw new ConflictError('username', 'this username is taken');
    }
    try {
      await deps.accounts.create(created);
    } catch (error) {
      await deps.identities.deleteUser(input.username);
      throw error;
    }
  } else {
    await deps.accounts.create(created);
  }
  await record(deps, principal, attempt, 'ok', { detail: `role ${input.role}` });
  return summarize(created);
}

export async function updateAccount(deps: ManageAccountsDeps, principal: Principal, username: string, input: AccountUpdateInput): Promise<AccountView> {
  const attempt = { action: 'account.update', objectType: 'account', objectId: username };
  await authorize(deps, principal, 'accounts:manage', attempt);
  const account = await deps.accounts.get(username);
  if (!account) {
    await record(deps, principal, attempt, 'not-found');
    throw new NotFoundError('username', 'account');
  }
  // Nobody changes their own role, scope or status: an administrator cannot lock out the last
  // administrator by mistake, nor quietly widen their own rights.
  if (username === principal.username && (input.role !== undefined || input.unitId !== undefined || input.disabled !== undefined)) {
    await record(deps, principal, { ...attempt, unitId: account.unitId }, 'denied', { detail: 'own role, scope or status' });
    throw ValidationError.forField('username', 'you may not change your own role, scope or status');
  }
  const badUnit = await unitProblem(deps, input.unitId);
  if (badUnit) await refuse(deps, principal, { ...attempt, unitId: account.unitId }, badUnit);
  const next: AccountRecord = { ...account, ...stripUndefined(input), updatedAt: deps.now().toISOString() };
  // A change of what the account may do ends its sessions: the next request with an old token is 401.
  const accessChanged = (input.role !== undefined && input.role !== account.role) || (input.unitId !== undefined && input.unitId !== account.unitId) || (input.disabled !== undefined && input.disabled !== (account.disabled ?? false));
  if (accessChanged) next.sessionVersion = (account.sessionVersion ?? 0) + 1;
  if (input.role !== undefined) {
    const conflict = dutyConflict(await deps.accounts.list(), summarize(next));
    if (conflict) {
      await record(deps, principal, { ...attempt, unitId: account.unitId }, 'invalid', { detail: `separation of duties: person already holds ${conflict.role}` });
      throw new ConflictError('role', `this person already holds a ${conflict.role} account; nobody may be both system-admin and auditor`);
    }
  }
  if (deps.identities && input.disabled !== undefined && input.disabled !== (account.disabled ?? false)) {
    // Access follows our record (within a minute); the pool also stops the user signing in.
    await deps.identities.setEnabled(username, !input.disabled);
  }
  await deps.accounts.save(next);
  const changes = Object.entries(stripUndefined(input))
    .map(([field, value]) => `${field}: ${field === 'displayName' ? '…' : String(account[field as keyof AccountRecord] ?? '')} → ${field === 'displayName' ? '…' : String(value)}`)
    .join('; ');
  await record(deps, principal, { ...attempt, unitId: next.unitId }, 'ok', { detail: changes || 'no change' });
  return summarize(next);
}

export async function resetAccountPassword(
  deps: ManageAccountsDeps,
  principal: Principal,
  username: string,
  input: AccountPasswordResetInput,
): Promise<AccountView> {
  const attempt = { action: 'account.reset-password', objectType: 'account', objectId: username };
  await authorize(deps, principal, 'accounts:manage', attempt);
  const account = await deps.accounts.get(username);
  if (!account) {
    await record(deps, principal, attempt, 'not-found');
    throw new NotFoundError('username', 'account');
  }
  const invalid = passwordProblem(input.password, username);
  if (invalid) await refuse(deps, principal, { ...attempt, unitId: account.unitId }, invalid);
  // A reset password (or factor) ends every session opened with the old one.
  const next: AccountRecord = {
    ...account,
    passwordHash: deps.identities ? EXTERNAL_PASSWORD : await hashPassword(input.password),
    sessionVersion: (account.sessionVersion ?? 0) + 1,
    updatedAt: deps.now().toISOString(),
  };
  if (input.resetSecondFactor) {
    delete next.totpSecret;
    delete next.totpPending;
  }
  if (deps.identities) {
    await deps.identities.setPassword(username, input.password);
    if (input.resetSecondFactor) await deps.identities.resetSecondFactor(username);
  }
  await deps.accounts.save(next);
  await record(deps, principal, { ...attempt, unitId: account.unitId }, 'ok', { detail: input.resetSecondFactor ? 'password and second factor reset' : 'password reset' });
  return summarize(next);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
