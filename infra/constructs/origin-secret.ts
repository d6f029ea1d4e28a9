import { SecretValue, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface OriginSecretProps {
  prefix: string;
}

/** What a Secrets Manager version id looks like (a UUID; CloudFormation rejects anything else anyway). */
const VERSION_ID = /^[A-Za-z0-9-]{32,64}$/;

/** `-c originSecretVersion=…`, checked: the version CloudFront is to send (a rotation step, decision 0014). */
export function originSecretVersionFrom(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !VERSION_ID.test(value)) {
    throw new Error(`-c originSecretVersion=${String(value)}: expected the VersionId of a version of the origin secret`);
  }
  return value;
}

/**
 * The secret CloudFront sends to both origins in the origin header (decision 0014), so that the
 * API and the web server can refuse whatever went around CloudFront and its web ACL. Secrets
 * Manager generates it when the stack is created: it is never in a template, only a reference to
 * it. CloudFront gets it by a dynamic reference, resolved at deploy; the functions read it at run
 * time (functions/src/data/origin-secrets.ts), with `ORIGIN_SECRET_ARN` and GetSecretValue on this
 * secret only.
 */
export class OriginSecret extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: OriginSecretProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `${props.prefix}: value of the origin header CloudFront sends to the API and the web server (decision 0014)`,
      // Letters and digits only: the value travels as an HTTP header.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value must change in CloudFront and in both origins in step (accepted first, then sent, then retired), ' +
        'which a rotation Lambda cannot do without holding cloudfront:UpdateDistribution. It is rotated by hand in ' +
        'three steps (docs/decisions/0014-waf.md); a leaked value only lets a caller skip the WAF, not read data.',
    });
  }

  /**
   * The header value for CloudFront: a `{{resolve:secretsmanager:…}}` reference, the current value
   * or the version `versionId` (naming a version changes the template, so CloudFront is updated).
   */
  headerValue(versionId?: string): string {
    return SecretValue.secretsManager(this.secret.secretArn, versionId ? { versionId } : {}).unsafeUnwrap();
  }

  /** Lets `grantee` read the accepted values at run time, and tells it where they are. */
  grantCheck(grantee: iam.IGrantable & { addEnvironment(name: string, value: string): unknown }): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [this.secret.secretArn] });
    grantee.addEnvironment('ORIGIN_SECRET_ARN', this.secret.secretArn);
  }
}
