import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InvalidPasswordException,
  UsernameExistsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ValidationError } from '../errors.js';

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
  const setPassword = async (username: string, password: string) => {
    try {
      await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }));
    } catch (error) {
      // The pool's own policy (infra/constructs/staff-user-pool.ts) may refuse what ours accepted: a 400, not a 500.
      if (error instanceof InvalidPasswordException) throw ValidationError.forField('password', `refused by the user pool: ${error.message}`);
      throw error;
    }
  };
  return {
    async createUser(username, password) {
      try {
        // No invitation message: the administrator hands the password over, as in local mode.
        await cognito.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: 'SUPPRESS' }));
      } catch (error) {
        if (error instanceof UsernameExistsException) return false;
        throw error;
      }
      try {
        await setPassword(username, password);
      } catch (error) {
        // Without its password the new pool user is half made, yet holds the username (a retry would
        // be a 409): remove it again, and report what went wrong.
        await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username })).catch(() => undefined);
        throw error;
      }
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
