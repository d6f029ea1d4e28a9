import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../data/accounts.js';
import { accountPrincipals, NoActiveAccountError } from './account-principals.js';
import type { IdentityVerifier } from './principal.js';

/** Cognito's part is a stand-in: a token is "id:<username>"; a forged one is refused. */
const identity: IdentityVerifier = {
  async verify(token) {
    if (!token.startsWith('id:')) throw new Error('signature verification failed');
    return { username: token.slice(3) };
  },
};

function store(records: AccountRecord[]) {
  const byName = new Map(records.map((r) => [r.username, r]));
  let reads = 0;
  return {
    accounts: { get: async (username: string) => (reads++, byName.get(username)) },
    set: (record: AccountRecord) => byName.set(record.username, record),
    reads: () => reads,
  };
}

const admin: AccountRecord = { username: 'xian.admin', displayName: '县管理员', role: 'unit-admin', unitId: 'county', passwordHash: 'cognito' };

describe('accountPrincipals (AWS mode: Cognito says who, our accounts table says what)', () => {
  it('takes role and scope from the account record, whatever the token claims', async () => {
    const { accounts } = store([admin]);
    const verifier = accountPrincipals(identity, accounts);
    await expect(verifier.verify('id:xian.admin')).resolves.toEqual({ username: 'xian.admin', role: 'unit-admin', unitId: 'county' });
  });

  it('refuses a Cognito user without an account, a disabled account and a forged token', async () => {
    const { accounts } = store([{ ...admin, username: 'gone', disabled: true }]);
    const verifier = accountPrincipals(identity, accounts);
    await expect(verifier.verify('id:stranger')).rejects.toBeInstanceOf(NoActiveAccountError);
    await expect(verifier.verify('id:gone')).rejects.toBeInstanceOf(NoActiveAccountError);
    await expect(verifier.verify('forged')).rejects.toThrow('signature');
  });

  it('reads each account once per cache period; a change of role or a disabled account applies after it', async () => {
    let now = 0;
    const s = store([admin]);
    const verifier = accountPrincipals(identity, s.accounts, { cacheMs: 60_000, clock: () => now });
    await verifier.verify('id:xian.admin');
    await verifier.verify('id:xian.admin');
    expect(s.reads()).toBe(1);
    s.set({ ...admin, role: 'committee', unitId: 'county-dept' });
    now = 59_999;
    await expect(verifier.verify('id:xian.admin')).resolves.toMatchObject({ role: 'unit-admin' });
    now = 60_000;
    await expect(verifier.verify('id:xian.admin')).resolves.toMatchObject({ role: 'committee', unitId: 'county-dept' });
    s.set({ ...admin, disabled: true });
    now = 120_000;
    await expect(verifier.verify('id:xian.admin')).rejects.toBeInstanceOf(NoActiveAccountError);
    expect(s.reads()).toBe(3);
  });
});
