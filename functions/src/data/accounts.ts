import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Role } from '#shared/contracts/auth.js';
import { keys } from './keys.js';

export interface AccountRecord {
  username: string;
  displayName: string;
  role: Role;
  /** Root of the unit subtree the account is scoped to. */
  unitId: string;
  /** scrypt$N$r$p$salt$hash (see use-cases/password.ts). */
  passwordHash: string;
}

export interface Accounts {
  get(username: string): Promise<AccountRecord | undefined>;
  put(account: AccountRecord): Promise<void>;
}

export function createAccounts(doc: DynamoDBDocumentClient, table: string): Accounts {
  return {
    async get(username) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.account(username) }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, kind: _kind, ...account } = Item;
      return account as AccountRecord;
    },
    async put(account) {
      await doc.send(new PutCommand({ TableName: table, Item: { ...keys.account(account.username), kind: 'account', ...account } }));
    },
  };
}
