import {
  AssociateSoftwareTokenCommand,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  EnableSoftwareTokenMFAException,
  ExpiredCodeException,
  InitiateAuthCommand,
  InternalErrorException,
  NotAuthorizedException,
  PasswordResetRequiredException,
  RespondToAuthChallengeCommand,
  TooManyRequestsException,
  UserNotConfirmedException,
  UserNotFoundException,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createCognitoSignIn } from './cognito-sign-in.js';

/**
 * The sign-in adapter against a stubbed Cognito client (aws-sdk-client-mock): the commands it
 * sends, and how it turns Cognito's answers and errors into SignInResult. What the login use case
 * does with those results is login-cognito.test.ts; no request leaves the process.
 */
const CLIENT_ID = '4ab1clientid0fthewebapp';
const SESSION = 'AYABeC2m' + 'x'.repeat(200);
const ID_TOKEN = 'eyJraWQiOiJ0ZXN0In0.eyJ0b2tlbl91c2UiOiJpZCJ9.c2lnbmF0dXJl';

const cognito = mockClient(CognitoIdentityProviderClient);
beforeEach(() => cognito.reset());
afterAll(() => cognito.restore());

const fault = (Type: new (options: { message: string; $metadata: object }) => Error, message = 'refused') => new Type({ message, $metadata: {} });
const signIn = () => createCognitoSignIn(CLIENT_ID, 'cn-north-1');

/** Errors that are no answer about the user: the pool's quota, or the pool failing. Never a refusal. */
const poolFailures = [
  ['TooManyRequestsException', () => fault(TooManyRequestsException, 'Rate exceeded')],
  ['InternalErrorException', () => fault(InternalErrorException, 'Internal error')],
] as const;

describe('cognitoSignIn', () => {
  describe('signIn', () => {
    it('sends InitiateAuth with USER_PASSWORD_AUTH, the app client and the credentials', async () => {
      // Prepare
      cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: SESSION });

      // Act
      await signIn().signIn('李强', 'Right-password-2026');

      // Assess
      expect(cognito.commandCalls(InitiateAuthCommand).map((call) => call.args[0].input)).toEqual([
        { ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: '李强', PASSWORD: 'Right-password-2026' } },
      ]);
    });

    it('talks to the pool in the region it was given', async () => {
      // Prepare
      cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: SESSION });

      // Act
      await createCognitoSignIn(CLIENT_ID, 'cn-northwest-1').signIn('li.qiang', 'pw');

      // Assess
      const client = cognito.send.getCall(0).thisValue as CognitoIdentityProviderClient;
      expect(await client.config.region()).toBe('cn-northwest-1');
    });

    it.each(['SOFTWARE_TOKEN_MFA', 'MFA_SETUP', 'NEW_PASSWORD_REQUIRED'] as const)('answers the %s challenge with its name and session', async (challenge) => {
      // Prepare
      cognito.on(InitiateAuthCommand).resolves({ ChallengeName: challenge, Session: SESSION, ChallengeParameters: {} });

      // Act
      const result = await signIn().signIn('li.qiang', 'pw');

      // Assess
      expect(result).toEqual({ kind: 'challenge', challenge, session: SESSION });
    });

    it('answers a challenge without a session with an empty session (the use case refuses it)', async () => {
      // Prepare
      cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA' });

      // Act
      const result = await signIn().signIn('li.qiang', 'pw');

      // Assess
      expect(result).toEqual({ kind: 'challenge', challenge: 'SOFTWARE_TOKEN_MFA', session: '' });
    });

    it('maps tokens without a challenge to signed-in with the ID token and its lifetime (3600 s when Cognito omits it)', async () => {
      // Prepare
      cognito
        .on(InitiateAuthCommand)
        .resolvesOnce({ AuthenticationResult: { IdToken: ID_TOKEN, AccessToken: 'access', ExpiresIn: 900, TokenType: 'Bearer' } })
        .resolvesOnce({ AuthenticationResult: { IdToken: ID_TOKEN } });

      // Act
      const results = [await signIn().signIn('li.qiang', 'pw'), await signIn().signIn('li.qiang', 'pw')];

      // Assess: the ID token, never the access token.
      expect(results).toEqual([
        { kind: 'signed-in', idToken: ID_TOKEN, expiresInSeconds: 900 },
        { kind: 'signed-in', idToken: ID_TOKEN, expiresInSeconds: 3600 },
      ]);
    });

    it('maps an answer with neither a challenge nor an ID token to refused', async () => {
      // Prepare
      cognito.on(InitiateAuthCommand).resolvesOnce({}).resolvesOnce({ AuthenticationResult: { AccessToken: 'access' } });

      // Act
      const results = [await signIn().signIn('li.qiang', 'pw'), await signIn().signIn('li.qiang', 'pw')];

      // Assess
      expect(results).toEqual([{ kind: 'refused' }, { kind: 'refused' }]);
    });

    it.each([
      ['NotAuthorizedException (wrong password)', () => fault(NotAuthorizedException, 'Incorrect username or password.')],
      ['NotAuthorizedException (disabled user)', () => fault(NotAuthorizedException, 'User is disabled.')],
      ['NotAuthorizedException (the pool locked the user out)', () => fault(NotAuthorizedException, 'Password attempts exceeded')],
      ['UserNotFoundException', () => fault(UserNotFoundException, 'User does not exist.')],
      // A state of the account, not a fault of the pool: answered like a wrong password (no 500, no enumeration).
      ['PasswordResetRequiredException', () => fault(PasswordResetRequiredException, 'Password reset required for the user')],
      ['UserNotConfirmedException', () => fault(UserNotConfirmedException, 'User is not confirmed.')],
    ])('maps %s to refused', async (_name, error) => {
      // Prepare
      cognito.on(InitiateAuthCommand).rejects(error());

      // Act
      const result = await signIn().signIn('li.qiang', 'wrong');

      // Assess
      expect(result).toEqual({ kind: 'refused' });
    });

    it.each(poolFailures)('lets %s through, never as a wrong password', async (_name, error) => {
      // Prepare
      const failure = error();
      cognito.on(InitiateAuthCommand).rejects(failure);

      // Act
      const signingIn = signIn().signIn('li.qiang', 'pw');

      // Assess
      await expect(signingIn).rejects.toBe(failure);
    });
  });

  describe('answerTotp', () => {
    it('sends RespondToAuthChallenge SOFTWARE_TOKEN_MFA with the session, username and code, and maps tokens to signed-in', async () => {
      // Prepare
      cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: ID_TOKEN, ExpiresIn: 3600 } });

      // Act
      const result = await signIn().answerTotp('李强', SESSION, '123456');

      // Assess
      expect(result).toEqual({ kind: 'signed-in', idToken: ID_TOKEN, expiresInSeconds: 3600 });
      expect(cognito.commandCalls(RespondToAuthChallengeCommand).map((call) => call.args[0].input)).toEqual([
        { ClientId: CLIENT_ID, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: SESSION, ChallengeResponses: { USERNAME: '李强', SOFTWARE_TOKEN_MFA_CODE: '123456' } },
      ]);
    });

    it('answers a further challenge with its name and session', async () => {
      // Prepare
      cognito.on(RespondToAuthChallengeCommand).resolves({ ChallengeName: 'SELECT_MFA_TYPE', Session: 'next-session' });

      // Act
      const result = await signIn().answerTotp('li.qiang', SESSION, '123456');

      // Assess
      expect(result).toEqual({ kind: 'challenge', challenge: 'SELECT_MFA_TYPE', session: 'next-session' });
    });

    it('maps CodeMismatchException to refused (a wrong code)', async () => {
      // Prepare
      cognito.on(RespondToAuthChallengeCommand).rejects(fault(CodeMismatchException, 'Invalid code received for user'));

      // Act
      const result = await signIn().answerTotp('li.qiang', SESSION, '000000');

      // Assess
      expect(result).toEqual({ kind: 'refused' });
    });

    it.each([
      ['NotAuthorizedException (session expired)', () => fault(NotAuthorizedException, 'Invalid session for the user, session is expired.')],
      ['ExpiredCodeException', () => fault(ExpiredCodeException, 'Invalid code provided, please request a code again.')],
    ])('maps %s to expired', async (_name, error) => {
      // Prepare
      cognito.on(RespondToAuthChallengeCommand).rejects(error());

      // Act
      const result = await signIn().answerTotp('li.qiang', SESSION, '123456');

      // Assess
      expect(result).toEqual({ kind: 'expired' });
    });

    it.each(poolFailures)('lets %s through, never as a wrong code', async (_name, error) => {
      // Prepare
      const failure = error();
      cognito.on(RespondToAuthChallengeCommand).rejects(failure);

      // Act
      const answering = signIn().answerTotp('li.qiang', SESSION, '123456');

      // Assess
      await expect(answering).rejects.toBe(failure);
    });
  });

  describe('beginTotpSetup', () => {
    it('sends AssociateSoftwareToken with the MFA_SETUP session only, and answers the new secret and session', async () => {
      // Prepare
      cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: 'JBSWY3DPEHPK3PXP', Session: 'associated-session' });

      // Act
      const result = await signIn().beginTotpSetup(SESSION);

      // Assess
      expect(result).toEqual({ kind: 'setup', secret: 'JBSWY3DPEHPK3PXP', session: 'associated-session' });
      expect(cognito.commandCalls(AssociateSoftwareTokenCommand).map((call) => call.args[0].input)).toEqual([{ Session: SESSION }]);
    });

    it('maps an answer without a secret or a session to expired', async () => {
      // Prepare
      cognito.on(AssociateSoftwareTokenCommand).resolvesOnce({ Session: 'associated-session' }).resolvesOnce({ SecretCode: 'JBSWY3DPEHPK3PXP' });

      // Act
      const results = [await signIn().beginTotpSetup(SESSION), await signIn().beginTotpSetup(SESSION)];

      // Assess
      expect(results).toEqual([{ kind: 'expired' }, { kind: 'expired' }]);
    });

    it.each([
      ['NotAuthorizedException', () => fault(NotAuthorizedException, 'Invalid session for the user.')],
      ['ExpiredCodeException', () => fault(ExpiredCodeException)],
    ])('maps %s to expired', async (_name, error) => {
      // Prepare
      cognito.on(AssociateSoftwareTokenCommand).rejects(error());

      // Act
      const result = await signIn().beginTotpSetup(SESSION);

      // Assess
      expect(result).toEqual({ kind: 'expired' });
    });

    it.each(poolFailures)('lets %s through', async (_name, error) => {
      // Prepare
      const failure = error();
      cognito.on(AssociateSoftwareTokenCommand).rejects(failure);

      // Act
      const beginning = signIn().beginTotpSetup(SESSION);

      // Assess
      await expect(beginning).rejects.toBe(failure);
    });
  });

  describe('finishTotpSetup', () => {
    it('verifies the first code, then answers MFA_SETUP with the session VerifySoftwareToken returned, and maps tokens to signed-in', async () => {
      // Prepare
      cognito.on(VerifySoftwareTokenCommand).resolves({ Status: 'SUCCESS', Session: 'verified-session' });
      cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: ID_TOKEN, ExpiresIn: 3600 } });

      // Act
      const result = await signIn().finishTotpSetup('李强', 'associated-session', '654321');

      // Assess
      expect(result).toEqual({ kind: 'signed-in', idToken: ID_TOKEN, expiresInSeconds: 3600 });
      expect(cognito.commandCalls(VerifySoftwareTokenCommand).map((call) => call.args[0].input)).toEqual([
        { Session: 'associated-session', UserCode: '654321', FriendlyDeviceName: 'Manyi' },
      ]);
      expect(cognito.commandCalls(RespondToAuthChallengeCommand).map((call) => call.args[0].input)).toEqual([
        { ClientId: CLIENT_ID, ChallengeName: 'MFA_SETUP', Session: 'verified-session', ChallengeResponses: { USERNAME: '李强' } },
      ]);
    });

    it('maps a verification that is not SUCCESS, or has no session, to refused without answering the challenge', async () => {
      // Prepare
      cognito.on(VerifySoftwareTokenCommand).resolvesOnce({ Status: 'ERROR', Session: 'verified-session' }).resolvesOnce({ Status: 'SUCCESS' });

      // Act
      const results = [await signIn().finishTotpSetup('li.qiang', 'associated-session', '654321'), await signIn().finishTotpSetup('li.qiang', 'associated-session', '654321')];

      // Assess
      expect(results).toEqual([{ kind: 'refused' }, { kind: 'refused' }]);
      expect(cognito.commandCalls(RespondToAuthChallengeCommand)).toHaveLength(0);
    });

    it.each([
      ['CodeMismatchException', () => fault(CodeMismatchException)],
      ['EnableSoftwareTokenMFAException', () => fault(EnableSoftwareTokenMFAException, 'Code mismatch and fail enable Software Token MFA')],
    ])('maps %s from VerifySoftwareToken to refused (a wrong first code)', async (_name, error) => {
      // Prepare
      cognito.on(VerifySoftwareTokenCommand).rejects(error());

      // Act
      const result = await signIn().finishTotpSetup('li.qiang', 'associated-session', '000000');

      // Assess
      expect(result).toEqual({ kind: 'refused' });
    });

    it.each([
      ['NotAuthorizedException from VerifySoftwareToken', VerifySoftwareTokenCommand, () => fault(NotAuthorizedException, 'Invalid session for the user.')],
      ['ExpiredCodeException from VerifySoftwareToken', VerifySoftwareTokenCommand, () => fault(ExpiredCodeException)],
      ['NotAuthorizedException from RespondToAuthChallenge', RespondToAuthChallengeCommand, () => fault(NotAuthorizedException, 'Invalid session for the user.')],
    ] as const)('maps %s to expired', async (_name, command, error) => {
      // Prepare
      cognito.on(VerifySoftwareTokenCommand).resolves({ Status: 'SUCCESS', Session: 'verified-session' });
      cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: ID_TOKEN } });
      cognito.on(command as typeof VerifySoftwareTokenCommand).rejects(error());

      // Act
      const result = await signIn().finishTotpSetup('li.qiang', 'associated-session', '654321');

      // Assess
      expect(result).toEqual({ kind: 'expired' });
    });

    it.each(poolFailures)('lets %s through', async (_name, error) => {
      // Prepare
      const failure = error();
      cognito.on(VerifySoftwareTokenCommand).rejects(failure);

      // Act
      const finishing = signIn().finishTotpSetup('li.qiang', 'associated-session', '654321');

      // Assess
      await expect(finishing).rejects.toBe(failure);
    });
  });
});
