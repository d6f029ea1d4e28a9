import { CognitoIdentityProviderClient, InitiateAuthCommand, NotAuthorizedException, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';

/**
 * AWS: staff accounts live in the Cognito user pool. Signing in returns Cognito's ID token, which
 * the API then verifies against the pool's keys (auth/tokens.ts). Roles and unit scopes are
 * the pool's custom attributes.
 */
export type SignInResult =
  | { kind: 'signed-in'; idToken: string; expiresInSeconds: number }
  | { kind: 'challenge'; challenge: string }
  | { kind: 'refused' };

export interface CognitoSignIn {
  signIn(username: string, password: string): Promise<SignInResult>;
}

export function createCognitoSignIn(clientId: string, region: string): CognitoSignIn {
  const cognito = new CognitoIdentityProviderClient({ region });
  return {
    async signIn(username, password) {
      try {
        const result = await cognito.send(
          new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
        );
        if (result.ChallengeName) return { kind: 'challenge', challenge: result.ChallengeName };
        const auth = result.AuthenticationResult;
        if (!auth?.IdToken) return { kind: 'refused' };
        return { kind: 'signed-in', idToken: auth.IdToken, expiresInSeconds: auth.ExpiresIn ?? 3600 };
      } catch (error) {
        if (error instanceof NotAuthorizedException || error instanceof UserNotFoundException) return { kind: 'refused' };
        throw error;
      }
    },
  };
}
