import {
  AssociateSoftwareTokenCommand,
  CodeMismatchException,
  EnableSoftwareTokenMFAException,
  CognitoIdentityProviderClient,
  ExpiredCodeException,
  InitiateAuthCommand,
  NotAuthorizedException,
  PasswordResetRequiredException,
  RespondToAuthChallengeCommand,
  UserNotConfirmedException,
  UserNotFoundException,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * AWS: staff accounts live in the Cognito user pool. Signing in returns Cognito's ID token, which
 * the API then verifies against the pool's keys (auth/tokens.ts). Roles and unit scopes are
 * the pool's custom attributes. The pool requires TOTP: a password step answers with the
 * SOFTWARE_TOKEN_MFA challenge and its session, which `answerTotp` completes with the code.
 */
export type SignInResult =
  | { kind: 'signed-in'; idToken: string; expiresInSeconds: number }
  | { kind: 'challenge'; challenge: string; session: string }
  /** Wrong password, unknown user, or (for `answerTotp`) a wrong code. */
  | { kind: 'refused' }
  /** The challenge session is no longer valid (Cognito keeps it 3 minutes): start again. */
  | { kind: 'expired' };

export interface CognitoSignIn {
  signIn(username: string, password: string): Promise<SignInResult>;
  answerTotp(username: string, session: string, code: string): Promise<SignInResult>;
  /** MFA_SETUP, first step: a new TOTP secret for the user (AssociateSoftwareToken). */
  beginTotpSetup(session: string): Promise<{ kind: 'setup'; secret: string; session: string } | { kind: 'expired' }>;
  /** MFA_SETUP, second step: the first code from the new secret confirms it and signs in. */
  finishTotpSetup(username: string, session: string, code: string): Promise<SignInResult>;
}

function signedIn(auth: AuthenticationResultType | undefined): SignInResult {
  if (!auth?.IdToken) return { kind: 'refused' };
  return { kind: 'signed-in', idToken: auth.IdToken, expiresInSeconds: auth.ExpiresIn ?? 3600 };
}

export function createCognitoSignIn(clientId: string, region: string): CognitoSignIn {
  const cognito = new CognitoIdentityProviderClient({ region });
  return {
    async signIn(username, password) {
      try {
        const result = await cognito.send(
          new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
        );
        if (result.ChallengeName) return { kind: 'challenge', challenge: result.ChallengeName, session: result.Session ?? '' };
        return signedIn(result.AuthenticationResult);
      } catch (error) {
        // The account's state (a reset pending, never confirmed) is answered like a wrong password:
        // a 401 that says nothing about the account, never a 500. An administrator sets a new one.
        const refusals = [NotAuthorizedException, UserNotFoundException, PasswordResetRequiredException, UserNotConfirmedException];
        if (refusals.some((Type) => error instanceof Type)) return { kind: 'refused' };
        throw error;
      }
    },

    async answerTotp(username, session, code) {
      try {
        const result = await cognito.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'SOFTWARE_TOKEN_MFA',
            Session: session,
            ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: code },
          }),
        );
        if (result.ChallengeName) return { kind: 'challenge', challenge: result.ChallengeName, session: result.Session ?? '' };
        return signedIn(result.AuthenticationResult);
      } catch (error) {
        if (error instanceof CodeMismatchException) return { kind: 'refused' };
        if (error instanceof NotAuthorizedException || error instanceof ExpiredCodeException) return { kind: 'expired' };
        throw error;
      }
    },

    async beginTotpSetup(session) {
      try {
        const result = await cognito.send(new AssociateSoftwareTokenCommand({ Session: session }));
        if (!result.SecretCode || !result.Session) return { kind: 'expired' };
        return { kind: 'setup', secret: result.SecretCode, session: result.Session };
      } catch (error) {
        if (error instanceof NotAuthorizedException || error instanceof ExpiredCodeException) return { kind: 'expired' };
        throw error;
      }
    },

    async finishTotpSetup(username, session, code) {
      try {
        const verified = await cognito.send(new VerifySoftwareTokenCommand({ Session: session, UserCode: code, FriendlyDeviceName: 'Manyi' }));
        if (verified.Status !== 'SUCCESS' || !verified.Session) return { kind: 'refused' };
        const result = await cognito.send(
          new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'MFA_SETUP', Session: verified.Session, ChallengeResponses: { USERNAME: username } }),
        );
        if (result.ChallengeName) return { kind: 'challenge', challenge: result.ChallengeName, session: result.Session ?? '' };
        return signedIn(result.AuthenticationResult);
      } catch (error) {
        if (error instanceof CodeMismatchException || error instanceof EnableSoftwareTokenMFAException) return { kind: 'refused' };
        if (error instanceof NotAuthorizedException || error instanceof ExpiredCodeException) return { kind: 'expired' };
        throw error;
      }
    },
  };
}
