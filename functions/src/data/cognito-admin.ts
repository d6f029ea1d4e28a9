import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * The user pool seen from account administration (AWS mode): the identity half of an account.
 * Role and scope stay in our accounts table (auth/account-principals.ts); this only keeps the
 * pool's user, password and status in step with what an administrator did in the app.
 */
export interface IdentityDirectory {
  /** A user with this permanent password; `false` if the username is taken in the pool. */
  createUser(username: string, password: string): Promise<boolean>;
  /** Undo a createUser whose account record could not be written. */
  deleteUser(username: string): Promise<void>;
  setEnabled(username: string, enabled: boolean): Promise<void>;
  setPassword(username: string, password: string): Promise<void>;
  /** Forget the user's TOTP: the pool requires MFA, so the next login asks to set it up again. */
  resetSecondFactor(username: string): Promise<void>;
}

export function createCognitoAdmin(userPoolId: string, region: string): IdentityDirectory {
  const cognito = new CognitoIdentityProviderClient({ region });
  const setPassword = (username: string, password: string) =>
    cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }));
  return {
    async createUser(username, password) {
      try {
        // No invitation message: the administrator hands the password over, as in local mode.
        await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS' }));
      } catch (error) {
        if (error instanceof UsernameExistsException) return false;
        throw error;
      }
      await setPassword(username, password);
      return true;
    },
    async deleteUser(username) {
      try {
        await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }));
      } catch (error) {
        if (!(error instanceof UserNotFoundException)) throw error;
      }
    },
    async setEnabled(username, enabled) {
      await cognito.send(enabled ? new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: username }) : new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username }));
    },
    async setPassword(username, password) {
      await setPassword(username, password);
    },
    async resetSecondFactor(username) {
      await cognito.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: userPoolId, Username: username, SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } }));
    },
  };
}
