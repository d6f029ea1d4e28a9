import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** adapter-node precompresses assets; CloudFront compresses on its own, so these stay behind. */
const PRECOMPRESSED = ['*.br', '*.gz'];
/** SvelteKit's content-hashed output: safe to cache for a year. */
const IMMUTABLE_DIR = path.join('_app', 'immutable');

export interface StaticAssetsProps {
  /** `web/build/client` of the SvelteKit build. */
  clientDir: string;
}

/**
 * The SvelteKit client build in a private S3 bucket (read by CloudFront through origin access
 * control only), with server access logs in a second bucket.
 */
export class StaticAssets extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  /** Top-level entries of the client build other than `_app`, as CloudFront path patterns. */
  readonly rootPathPatterns: string[];
  /** The upload of the hashed files, which a new server version must wait for. */
  readonly immutableUpload: Construct;
  private readonly clientDir: string;

  constructor(scope: Construct, id: string, props: StaticAssetsProps) {
    super(scope, id);
    this.clientDir = props.clientDir;

    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the server-access-log destination of the asset bucket; logging it as well would only log the logging.',
    });

    this.bucket = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'assets/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.rootPathPatterns = readdirSync(props.clientDir, { withFileTypes: true })
      .filter((entry) => entry.name !== '_app' && !/\.(br|gz)$/.test(entry.name))
      .map((entry) => (entry.isDirectory() ? `/${entry.name}/*` : `/${entry.name}`))
      .sort();
    this.immutableUpload = this.upload();
  }

  /**
   * Upload the build: hashed files first (never pruned, so pages rendered by the previous server
   * version still find their chunks), then the rest with a five-minute cache, short enough to need
   * no CloudFront invalidation (and so no cloudfront:CreateInvalidation on "*" for the uploader).
   */
  private upload(): Construct {
    const immutableDir = path.join(this.clientDir, IMMUTABLE_DIR);
    if (!existsSync(immutableDir)) throw new Error(`${immutableDir} is missing: is this a SvelteKit client build?`);

    // Our own role and log group for CDK's upload function, instead of its default role with the
    // AWSLambdaBasicExecutionRole managed policy and a log group kept forever.
    const uploaderLogs = new logs.LogGroup(this, 'UploaderLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const uploaderRole = new iam.Role(this, 'UploaderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the SvelteKit client build from the CDK asset bucket into the asset bucket',
    });
    uploaderLogs.grantWrite(uploaderRole);
    const common = { destinationBucket: this.bucket, prune: false, memoryLimit: 512, role: uploaderRole, logGroup: uploaderLogs };

    const immutable = new s3deploy.BucketDeployment(this, 'DeployImmutable', {
      ...common,
      sources: [s3deploy.Source.asset(immutableDir, { exclude: PRECOMPRESSED })],
      destinationKeyPrefix: '_app/immutable/',
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    const files = new s3deploy.BucketDeployment(this, 'DeployFiles', {
      ...common,
      sources: [s3deploy.Source.asset(this.clientDir, { exclude: [IMMUTABLE_DIR, ...PRECOMPRESSED] })],
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=300')],
    });
    files.node.addDependency(immutable);
    this.acknowledgeUploader(uploaderRole);
    return immutable;
  }

  /** Findings on CDK's own upload function and the grants it adds, which no prop can change. */
  private acknowledgeUploader(role: iam.Role): void {
    const wildcardActions = ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'];
    for (const action of wildcardActions) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} comes from CDK's BucketDeployment grants (bucket.grantRead / grantReadWrite) and is scoped to the CDK asset bucket and this asset bucket only.`,
      });
    }
    const bucketLogicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`,
      reason: 'The uploader writes every object of the asset bucket; object-level actions need the bucket/* resource.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      reason: 'The uploader reads the zipped client build from the CDK bootstrap asset bucket, whose object keys are content hashes.',
    });
    const provider = Stack.of(this).node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!provider) throw new Error('CDK BucketDeployment provider function not found');
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "CDK's BucketDeployment provider function: aws-cdk-lib pins its Python runtime and no prop overrides it; it runs " +
        'only during deployments, never on a request path. It moves to a newer runtime with aws-cdk-lib upgrades.',
    });
  }
}
