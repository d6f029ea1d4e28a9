import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: where package.json (with its `#shared/*` imports), the lock file and tsconfig live. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The newest Node.js runtime this aws-cdk-lib knows. cdk-nag (AwsSolutions-L1) fails any older
 * one; bump it here, in one place, when aws-cdk-lib adds the next LTS.
 */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * ESM bundles still meet CommonJS dependencies that call `require` (for node: built-ins);
 * give them one. The aliases avoid clashing with names the bundle itself declares.
 */
const REQUIRE_BANNER =
  "import { createRequire as __manyiCreateRequire } from 'node:module'; const require = __manyiCreateRequire(import.meta.url);";

export interface ManyiFunctionProps {
  /** Absolute path, or relative to the repository root, of the module exporting `handler`. */
  entry: string;
  description: string;
  environment?: Record<string, string>;
  /** MiB; 256 unless the code needs more (scrypt needs 128 MiB on top of Node itself). */
  memorySize?: number;
  timeout?: Duration;
  /** Extra esbuild flags, e.g. `{ '--alias:pkg': '/abs/dir' }`. */
  esbuildArgs?: Record<string, string>;
  commandHooks?: nodejs.ICommandHooks;
}

/**
 * A Lambda function with the house defaults: newest Node.js runtime on ARM, bundled locally by
 * esbuild (no Docker) as minified ESM with source maps, the AWS SDK bundled (the version tested is
 * the version run), X-Ray active tracing, JSON logs into a log group kept for a year, and its own
 * role with no AWS managed policy: it may write its own log group and nothing else until a
 * capability grants more.
 */
export class ManyiFunction extends nodejs.NodejsFunction {
  constructor(scope: Construct, id: string, props: ManyiFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_YEAR });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.resolve(REPO_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        format: nodejs.OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The Node.js Lambda runtime ships AWS SDK v3; bundling it would add ~480 KB (smithy core,
        // clients, nested clients) to every function and slow cold starts past the 150 ms import
        // budget (docs/performance.md). Our code pins only the SDK's public API.
        bundleAwsSDK: false,
        tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
        ...(props.esbuildArgs ? { esbuildArgs: props.esbuildArgs } : {}),
        ...(props.commandHooks ? { commandHooks: props.commandHooks } : {}),
      },
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level ' +
        'permissions (Resource must be "*"); the role holds no other wildcard.',
    });
  }
}
