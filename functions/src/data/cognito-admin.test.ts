import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InvalidPasswordException,
  TooManyRequestsException,
  UsernameExistsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { createCognitoAdmin } from './cognito-admin.js';

/**
 * The account-administration adapter against a stubbed Cognito client (aws-sdk-client-mock): the
 * admin commands it sends for each change, and how it maps the pool's errors. What the use case
 * does with them is manage-accounts (test/integration/aws-accounts.test.ts); nothing leaves the process.
 */
const POOL_ID = 'cn-north-1_TestPool';
const PASSWORD = 'Manyi-demo-2026!';

const cognito = mockClient(CognitoIdentityProviderClient);
beforeEach(() => cognito.reset());
afterAll(() => cognito.restore());

const fault = (Type: new (options: { message: string; $metadata: object }) => Error, message = 'refused') => new Type({ message, $metadata: {} });
const admin = () => createCognitoAdmin(POOL_ID, 'cn-north-1');
/** The commands sent, in order, by name and input. */
const sent = () => cognito.calls().map((call) => [(call.args[0] as object).constructor.name, (call.args[0] as { input: unknown }).input]);

describe('cognitoAdmin', () => {
  describe('createUser', () => {
    it('creates the pool user without an invitation, then sets its permanent password', async () => {
      // Prepare
      cognito.on(AdminCreateUserCommand).resolves({ User: { Username: '李强' } });
      cognito.on(AdminSetUserPasswordCommand).resolves({});

      // Act
      const created = await admin().createUser('李强', PASSWORD);

      // Assess
      expect(created).toBe(true);
      expect(sent()).toEqual([
        ['AdminCreateUserCommand', { UserPoolId: POOL_ID, Username: '李强', MessageAction: 'SUPPRESS' }],
        ['AdminSetUserPasswordCommand', { UserPoolId: POOL_ID, Username: '李强', Password: PASSWORD, Permanent: true }],
      ]);
    });

    it('talks to the pool in the region it was given', async () => {
      // Prepare
      cognito.on(AdminCreateUserCommand).resolves({});

      // Act
      await createCognitoAdmin(POOL_ID, 'cn-northwest-1').createUser('li.qiang', PASSWORD);

      // Assess
      const client = cognito.send.getCall(0).thisValue as CognitoIdentityProviderClient;
      expect(await client.config.region()).toBe('cn-northwest-1');
    });

    it('maps UsernameExistsException to false, and sets no password', async () => {
      // Prepare
      cognito.on(AdminCreateUserCommand).rejects(fault(UsernameExistsException, 'User account already exists'));

      // Act
      const created = await admin().createUser('li.qiang', PASSWORD);

      // Assess
      expect(created).toBe(false);
      expect(cognito.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);
      expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
    });

    it('lets any other AdminCreateUser error through, and sets no password', async () => {
      // Prepare
      const failure = fault(TooManyRequestsException, 'Rate exceeded');
      cognito.on(AdminCreateUserCommand).rejects(failure);

      // Act
      const creating = admin().createUser('li.qiang', PASSWORD);

      // Assess
      await expect(creating).rejects.toBe(failure);
      expect(cognito.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);
    });

    it("maps InvalidPasswordException (the pool's policy is stricter) to a 400 on password, and removes the half-made user", async () => {
      // Prepare: three classes pass our policy; the pool also wants a symbol.
      cognito.on(AdminCreateUserCommand).resolves({});
      cognito.on(AdminSetUserPasswordCommand).rejects(fault(InvalidPasswordException, 'Password does not conform to policy: Password must have symbol characters'));
      cognito.on(AdminDeleteUserCommand).resolves({});

      // Act
      const creating = admin().createUser('li.qiang', 'ManyiDemo2026');

      // Assess
      await expect(creating).rejects.toBeInstanceOf(ValidationError);
      await expect(creating).rejects.toMatchObject({ statusCode: 400, issues: [{ field: 'password', message: expect.stringContaining('symbol') }] });
      expect(sent().map(([name]) => name)).toEqual(['AdminCreateUserCommand', 'AdminSetUserPasswordCommand', 'AdminDeleteUserCommand']);
      expect(cognito.commandCalls(AdminDeleteUserCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL_ID, Username: 'li.qiang' });
    });

    it('removes the half-made user when setting the password fails otherwise, and lets that error through', async () => {
      // Prepare
      const failure = fault(TooManyRequestsException, 'Rate exceeded');
      cognito.on(AdminCreateUserCommand).resolves({});
      cognito.on(AdminSetUserPasswordCommand).rejects(failure);
      cognito.on(AdminDeleteUserCommand).resolves({});

      // Act
      const creating = admin().createUser('li.qiang', PASSWORD);

      // Assess
      await expect(creating).rejects.toBe(failure);
      expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(1);
    });

    it('reports the password error, not the clean-up error, when removing the half-made user fails too', async () => {
      // Prepare
      const failure = fault(TooManyRequestsException, 'Rate exceeded');
      cognito.on(AdminCreateUserCommand).resolves({});
      cognito.on(AdminSetUserPasswordCommand).rejects(failure);
      cognito.on(AdminDeleteUserCommand).rejects(fault(TooManyRequestsException, 'Rate exceeded again'));

      // Act
      const creating = admin().createUser('li.qiang', PASSWORD);

      // Assess
      await expect(creating).rejects.toBe(failure);
    });
  });

  describe('deleteUser', () => {
    it('sends AdminDeleteUser for the user', async () => {
      // Prepare
      cognito.on(AdminDeleteUserCommand).resolves({});

      // Act
      await admin().deleteUser('li.qiang');

      // Assess
      expect(sent()).toEqual([['AdminDeleteUserCommand', { UserPoolId: POOL_ID, Username: 'li.qiang' }]]);
    });

    it('maps UserNotFoundException to done (the user is gone either way)', async () => {
      // Prepare
      cognito.on(AdminDeleteUserCommand).rejects(fault(UserNotFoundException, 'User does not exist.'));

      // Act
      const deleting = admin().deleteUser('li.qiang');

      // Assess
      await expect(deleting).resolves.toBeUndefined();
    });

    it('lets any other error through', async () => {
      // Prepare
      const failure = fault(TooManyRequestsException, 'Rate exceeded');
      cognito.on(AdminDeleteUserCommand).rejects(failure);

      // Act
      const deleting = admin().deleteUser('li.qiang');

      // Assess
      await expect(deleting).rejects.toBe(failure);
    });
  });

  describe('setEnabled', () => {
    it('sends AdminEnableUser to enable and AdminDisableUser to disable', async () => {
      // Prepare
      cognito.on(AdminEnableUserCommand).resolves({});
      cognito.on(AdminDisableUserCommand).resolves({});

      // Act
      await admin().setEnabled('li.qiang', false);
      await admin().setEnabled('li.qiang', true);

      // Assess
      expect(sent()).toEqual([
        ['AdminDisableUserCommand', { UserPoolId: POOL_ID, Username: 'li.qiang' }],
        ['AdminEnableUserCommand', { UserPoolId: POOL_ID, Username: 'li.qiang' }],
      ]);
    });

    it('lets errors through, so the account record is not saved as disabled while the pool user still signs in', async () => {
      // Prepare
      const failure = fault(TooManyRequestsException, 'Rate exceeded');
      cognito.on(AdminDisableUserCommand).rejects(failure);

      // Act
      const disabling = admin().setEnabled('li.qiang', false);

      // Assess
      await expect(disabling).rejects.toBe(failure);
    });
  });

  describe('setPassword', () => {
    it('sends AdminSetUserPassword with the new permanent password', async () => {
      // Prepare
      cognito.on(AdminSetUserPasswordCommand).resolves({});

      // Act
      await admin().setPassword('li.qiang', PASSWORD);

      // Assess
      expect(sent()).toEqual([['AdminSetUserPasswordCommand', { UserPoolId: POOL_ID, Username: 'li.qiang', Password: PASSWORD, Permanent: true }]]);
    });

    it('maps InvalidPasswordException to a 400 on password', async () => {
      // Prepare
      cognito.on(AdminSetUserPasswordCommand).rejects(fault(InvalidPasswordException, 'Password does not conform to policy: Password must have uppercase characters'));

      // Act
      const setting = admin().setPassword('li.qiang', 'manyi-demo-2026!');

      // Assess
      await expect(setting).rejects.toMatchObject({ name: 'ValidationError', statusCode: 400, expose: true, issues: [{ field: 'password' }] });
      expect(cognito.commandCalls(AdminDeleteUserCommand)).toHaveLength(0);
    });

    it.each([
      ['UserNotFoundException', () => fault(UserNotFoundException, 'User does not exist.')],
      ['TooManyRequestsException', () => fault(TooManyRequestsException, 'Rate exceeded')],
    ])('lets %s through', async (_name, error) => {
      // Prepare
      const failure = error();
      cognito.on(AdminSetUserPasswordCommand).rejects(failure);

      // Act
      const setting = admin().setPassword('li.qiang', PASSWORD);

      // Assess
      await expect(setting).rejects.toBe(failure);
    });
  });

  describe('resetSecondFactor', () => {
    it('turns the TOTP preference off with AdminSetUserMFAPreference', async () => {
      // Prepare
      cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});

      // Act
      await admin().resetSecondFactor('li.qiang');

      // Assess
      expect(sent()).toEqual([
        ['AdminSetUserMFAPreferenceCommand', { UserPoolId: POOL_ID, Username: 'li.qiang', SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } }],
      ]);
    });

    it('lets errors through', async () => {
      // Prepare
      const failure = fault(UserNotFoundException, 'User does not exist.');
      cognito.on(AdminSetUserMFAPreferenceCommand).rejects(failure);

      // Act
      const resetting = admin().resetSecondFactor('li.qiang');

      // Assess
      await expect(resetting).rejects.toBe(failure);
    });
  });
});
