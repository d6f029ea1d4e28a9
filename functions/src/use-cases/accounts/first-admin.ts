import type { AccountRecord, Accounts } from '../../data/accounts.js';
import type { AuditLog } from '../../data/audit.js';
import type { UnitStore } from '../../data/units.js';
import { EXTERNAL_PASSWORD } from '../../auth/password.js';
import { ConflictError, ValidationError } from '../../errors.js';

export interface FirstAdminInput {
  username: string;
  displayName: string;
  /** The root unit the administrator is scoped to; created when `unitName` is given and it does not exist. */
  unitId: string;
  unitName?: string | undefined;
}

export interface FirstAdminDeps {
  accounts: Pick<Accounts, 'get' | 'create'>;
  units: Pick<UnitStore, 'get' | 'create'>;
  audit: Pick<AuditLog, 'append'>;
  now: () => Date;
}

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * `npm run first-admin` in a fresh AWS deployment: the account record (role system-admin and its
 * scope) of the first administrator, whose identity, password and TOTP are Cognito's. Every later
 * account is made in the app by an administrator. Refuses to overwrite an existing account.
 */
export async function createFirstAdmin(deps: FirstAdminDeps, input: FirstAdminInput): Promise<{ account: AccountRecord; unitCreated: boolean }> {
  const username = input.username.trim();
  const displayName = input.displayName.trim();
  if (!username || username.length > 128) throw ValidationError.forField('username', '1–128 characters, the Cognito username');
  if (!displayName || displayName.length > 64) throw ValidationError.forField('displayName', '1–64 characters');
  if (!ID.test(input.unitId)) throw ValidationError.forField('unitId', 'lower-case letters, digits and -, at most 64');
  if (await deps.accounts.get(username)) throw new ConflictError('username', 'this account exists already');
  let unitCreated = false;
  if (!(await deps.units.get(input.unitId))) {
    const unitName = input.unitName?.trim();
    if (!unitName) throw ValidationError.forField('unitName', `unit ${input.unitId} does not exist; give its name to create it as a root unit`);
    await deps.units.create({ id: input.unitId, name: unitName, parentId: null, path: [input.unitId] });
    unitCreated = true;
  }
  const now = deps.now();
  const account: AccountRecord = { username, displayName, role: 'system-admin', unitId: input.unitId, personId: username, passwordHash: EXTERNAL_PASSWORD, updatedAt: now.toISOString() };
  await deps.accounts.create(account);
  await deps.audit.append({
    at: now.toISOString(),
    actor: 'bootstrap',
    role: '',
    action: 'account.create',
    objectType: 'account',
    objectId: username,
    unitId: input.unitId,
    result: 'ok',
    detail: `first system administrator${unitCreated ? `; root unit ${input.unitId} created` : ''}`,
  });
  return { account, unitCreated };
}
