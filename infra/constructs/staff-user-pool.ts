import { Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface StaffUserPoolProps {
  prefix: string;
}

/**
 * Staff accounts (admins, committee members, window staff) in a Cognito user pool. Residents never
 * have accounts. Accounts are created by an administrator only; TOTP MFA is required; `custom:role`
 * and `custom:unitId` carry the scope checked by every protected use case (functions/src/auth).
 */
export class StaffUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** `https://cognito-idp.<region>.<suffix>/<poolId>`: the `iss` of its tokens (COGNITO_ISSUER). */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: StaffUserPoolProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'Pool', {
      userPoolName: `${props.prefix}-staff`,
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: false, mutable: true } },
      customAttributes: {
        // Written only by administrators (see writeAttributes below): a user must not promote themselves.
        role: new cognito.StringAttribute({ minLen: 3, maxLen: 32, mutable: true }),
        unitId: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: compromised-credential checks and adaptive authentication on staff sign-ins.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.client = this.userPool.addClient('WebClient', {
      userPoolClientName: `${props.prefix}-web`,
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      // Sign-in goes through the app (InitiateAuth), never a hosted UI: no OAuth flows, no callback URLs.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // One working day, like SESSION_HOURS locally: a stolen refresh token expires overnight.
      refreshTokenValidity: Duration.hours(8),
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true })
        .withCustomAttributes('role', 'unitId'),
      // Without this, every user could call UpdateUserAttributes on their own custom:role.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }),
    });

    this.issuer = Fn.join('', ['https://', this.userPool.userPoolProviderUrl]);
  }
}
