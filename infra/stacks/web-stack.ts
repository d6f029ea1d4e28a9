import { existsSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { ORIGIN_HEADER } from '../../functions/src/middleware/origin-guard.js';
import { REPO_ROOT } from '../constructs/manyi-function.js';
import { StaticAssets } from '../constructs/static-assets.js';
import { SvelteKitServer } from '../constructs/sveltekit-server.js';
import { WebDistribution, type CustomDomain } from '../constructs/web-distribution.js';
import type { ApiStack } from './api-stack.js';
import type { EdgeStack } from './edge-stack.js';

export interface WebStackProps extends StackProps {
  prefix: string;
  api: ApiStack;
  /** The HMAC key of the anti-stuffing day keys (data stack): the server derives them as the API does. */
  clientKey: kms.IKey;
  /** `-c originSecretVersion=…`: the version of the origin secret CloudFront sends; default the current one. */
  originSecretVersion?: string | undefined;
  /** The SvelteKit (adapter-node) build directory; default `web/build` in the repository. */
  webBuildDir?: string | undefined;
  customDomain?: CustomDomain | undefined;
  /** The us-east-1 stack with the CloudFront web ACL; none only with `-c waf=off`. */
  edge?: EdgeStack | undefined;
}

export class WebBuildMissingError extends Error {
  override name = 'WebBuildMissingError';
}

export interface WebBuild {
  /** adapter-node output: `client/` (to S3) and `prerendered/` (into the server bundle). */
  buildDir: string;
  /** SvelteKit's server build beside it, `.svelte-kit/output/server`: exports `Server` and `manifest`. */
  serverDir: string;
}

/**
 * Where `npm run build:web` leaves what this stack needs (`web/build` and `web/.svelte-kit/output`),
 * or a clear error if something is missing.
 */
export function findWebBuild(buildDir: string): WebBuild {
  const serverDir = path.resolve(buildDir, '..', '.svelte-kit', 'output', 'server');
  for (const file of [path.join(buildDir, 'client'), path.join(serverDir, 'index.js'), path.join(serverDir, 'manifest.js')]) {
    if (!existsSync(file)) {
      throw new WebBuildMissingError(
        `The web build is missing: ${file} does not exist. Run \`npm run build:web\` first, then synthesize again.`,
      );
    }
  }
  return { buildDir, serverDir };
}

/** The public site: CloudFront over the SvelteKit server, the API and the static assets. */
export class WebStack extends Stack {
  readonly assets: StaticAssets;
  readonly server: SvelteKitServer;
  readonly web: WebDistribution;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { buildDir, serverDir } = findWebBuild(path.resolve(REPO_ROOT, props.webBuildDir ?? 'web/build'));

    this.assets = new StaticAssets(this, 'Assets', { clientDir: path.join(buildDir, 'client') });
    this.server = new SvelteKitServer(this, 'Server', {
      prefix: props.prefix,
      serverDir,
      prerenderedDir: path.join(buildDir, 'prerendered'),
      // The server calls the API directly over HTTPS (not back through CloudFront), with the origin
      // header (infra/lambda/web-handler.ts). It computes the forwarded client of the viewer with a day
      // key derived by KMS GenerateMac, as the API derives it (decision 0015-anti-stuffing).
      environment: { API_BASE_URL: props.api.http.api.apiEndpoint, CLIENT_KMS_KEY_ID: props.clientKey.keyArn },
    });
    props.api.originSecret.grantCheck(this.server.function);
    iam.Grant.addToPrincipal({ grantee: this.server.function, actions: ['kms:GenerateMac'], resourceArns: [props.clientKey.keyArn] });
    this.web = new WebDistribution(this, 'Web', {
      webOriginDomain: this.server.http.domainName,
      apiOriginDomain: props.api.http.domainName,
      assetsBucket: this.assets.bucket,
      staticPathPatterns: this.assets.rootPathPatterns,
      customDomain: props.customDomain,
      webAclArn: props.edge?.webAclArn,
      originHeaders: { [ORIGIN_HEADER]: props.api.originSecret.headerValue(props.originSecretVersion) },
    });
    if (props.edge) this.addDependency(props.edge, 'the distribution names the web ACL');
    // A new server version renders links to new hashed chunks: upload them before it goes live.
    this.server.function.node.addDependency(this.assets.immutableUpload);

    new CfnOutput(this, 'SiteUrl', {
      value: `https://${props.customDomain?.domainNames[0] ?? this.web.distribution.distributionDomainName}`,
    });
  }
}
