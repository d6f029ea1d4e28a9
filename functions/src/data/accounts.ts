import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Role } from '#shared/contracts/auth.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { keys } from './keys.js';

/** The login throttle of a username, stored with its account (the rules are in auth/lockout.ts). */
export interface ThrottleState {
  failures: number;
  /** UTC ISO instant of the first failure of the current series. */
  firstFailureAt: string;
  /** UTC ISO instant until which the username is locked. */
  lockedUntil?: string;
}

export interface AccountRecord {
  username: string;
  displayName: string;
  role: Role;
  /** Root of the unit subtree the account is scoped to. */
  unitId: string;
  /** scrypt$N$r$p$salt$hash (see auth/password.ts). */
  passwordHash: string;
  /** The person holding the account (工号); one person never holds both system-admin and auditor. Defaults to the username. */
  personId?: string;
  disabled?: boolean;
  /** TOTP secret, sealed (AES-256-GCM); present once enrollment is confirmed. */
  totpSecret?: string;
  /** TOTP secret being enrolled, sealed; becomes totpSecret when a code from it is confirmed. */
  totpPending?: string;
  /** Last TOTP time step accepted: a code is accepted once only. */
  totpLastStep?: number;
  /** Issue time (ms) of the last login challenge used: a challenge opens one session only. */
  lastChallengeIssued?: number;
  /**
   * Bumped when the account is disabled, its role or scope changes, its password or factor is
   * reset, or it logs out: local tokens of an older version are refused (0 when absent).
   */
  sessionVersion?: number;
  updatedAt?: string;
}

/** What the listing item holds: no hash, no secret. */
export interface AccountSummary {
  username: string;
  displayName: string;
  personId: string;
  role: Role;
  unitId: string;
  disabled: boolean;
  mfaEnrolled: boolean;
}

export interface Accounts {
  get(username: string): Promise<AccountRecord | undefined>;
  /** Create or overwrite (seed, tests). */
  put(account: AccountRecord): Promise<void>;
  /** Create; ConflictError on `username` if it is taken. */
  create(account: AccountRecord): Promise<void>;
  /** Replace an existing account; NotFoundError if it does not exist. */
  save(account: AccountRecord): Promise<void>;
  list(): Promise<AccountSummary[]>;
  /** Remember a TOTP step; false if this step (or a later one) was already used — a replayed code. */
  useTotpStep(username: string, step: number): Promise<boolean>;
  /**
   * The second login step, atomically: the TOTP step (newer than the last accepted) and the
   * challenge (issued after the last one used). Says which of the two was used before, if any.
   */
  useLoginStep(username: string, step: number, challengeIssued: number): Promise<'ok' | 'step-used' | 'challenge-used'>;
  getThrottle(username: string): Promise<ThrottleState | undefined>;
  /** Store the throttle state if nobody changed it since `previous` was read; false on a race. */
  putThrottle(username: string, next: ThrottleState, previous: ThrottleState | undefined): Promise<boolean>;
  clearThrottle(username: string): Promise<void>;
  /** End every session of the account (logout): its session version goes up by one. */
  endSessions(username: string): Promise<void>;
}

export function summarize(account: AccountRecord): AccountSummary {
  return {
    username: account.username,
    displayName: account.displayName,
    personId: account.personId ?? account.username,
    role: account.role,
    unitId: account.unitId,
    disabled: account.disabled ?? false,
    mfaEnrolled: !!account.totpSecret,
  };
}

const THROTTLE_TTL_SECONDS = 24 * 3600;

export function createAccounts(doc: DynamoDBDocumentClient, table: string): Accounts {
  const items = (account: AccountRecord) => ({
    main: { ...keys.account(account.username), kind: 'account', ...account },
    listing: { ...keys.accountListing(account.username), kind: 'account-listing', ...summarize(account) },
  });

  async function write(account: AccountRecord, condition: string) {
    const { main, listing } = items(account);
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: main, ConditionExpression: condition } },
            { Put: { TableName: table, Item: listing } },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        throw condition.startsWith('attribute_not_exists')
          ? new ConflictError('username', 'is already taken')
          : new NotFoundError('username', 'account');
      }
      throw error;
    }
  }

  return {
    async get(username) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.account(username) }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, kind: _kind, ...account } = Item;
      return account as AccountRecord;
    },
    async put(account) {
      const { main, listing } = items(account);
      await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: main } }, { Put: { TableName: table, Item: listing } }] }));
    },
    create: (account) => write(account, 'attribute_not_exists(pk)'),
    save: (account) => write(account, 'attribute_exists(pk)'),
    async list() {
      const found: AccountSummary[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.accountListingPartition() },
            ExclusiveStartKey: start,
          }),
        );
        for (const { pk: _pk, sk: _sk, kind: _kind, ...summary } of page.Items ?? []) found.push(summary as AccountSummary);
        start = page.LastEvaluatedKey;
      } while (start);
      return found;
    },
    async useTotpStep(username, step) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.account(username),
            UpdateExpression: 'SET totpLastStep = :step',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(totpLastStep) OR totpLastStep < :step)',
            ExpressionAttributeValues: { ':step': step },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async useLoginStep(username, step, challengeIssued) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.account(username),
            UpdateExpression: 'SET totpLastStep = :step, lastChallengeIssued = :issued',
            ConditionExpression:
              'attribute_exists(pk) AND (attribute_not_exists(totpLastStep) OR totpLastStep < :step) AND (attribute_not_exists(lastChallengeIssued) OR lastChallengeIssued < :issued)',
            ExpressionAttributeValues: { ':step': step, ':issued': challengeIssued },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'ok';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // The failed condition's item comes back raw (the document client does not unmarshall errors).
        // A used step is reported first: a replayed request (same challenge, same code) is a reused code.
        const lastStep = Number(error.Item?.totpLastStep?.N ?? -1);
        const lastIssued = Number(error.Item?.lastChallengeIssued?.N ?? -1);
        return lastStep < step && lastIssued >= challengeIssued ? 'challenge-used' : 'step-used';
      }
    },
    async endSessions(username) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.account(username),
            UpdateExpression: 'ADD sessionVersion :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        );
      } catch (error) {
        // No account, no session to end (and never an account item created by a logout).
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    async getThrottle(username) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.loginThrottle(username), ConsistentRead: true }));
      if (!Item) return undefined;
      return { failures: Item.failures, firstFailureAt: Item.firstFailureAt, ...(Item.lockedUntil ? { lockedUntil: Item.lockedUntil } : {}) };
    },
    async putThrottle(username, next, previous) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...keys.loginThrottle(username),
              kind: 'login-throttle',
              ...next,
              expiresAt: Math.floor(Date.parse(next.firstFailureAt) / 1000) + THROTTLE_TTL_SECONDS,
            },
            // Optimistic: two parallel failures never both count as "the 1st".
            ...(previous
              ? { ConditionExpression: 'failures = :f AND firstFailureAt = :at', ExpressionAttributeValues: { ':f': previous.failures, ':at': previous.firstFailureAt } }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async clearThrottle(username) {
      // A Put, not a Delete: the application's roles are granted no DeleteItem.
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: { ...keys.loginThrottle(username), kind: 'login-throttle', failures: 0, firstFailureAt: new Date(0).toISOString(), expiresAt: 1 },
        }),
      );
    },
  };
}
