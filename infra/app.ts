import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { REPO_ROOT } from './constructs/manyi-function.js';
import { originSecretVersionFrom } from './constructs/origin-secret.js';
import { smsConcurrencyFrom } from './constructs/invitation-sender.js';
import { rateLimitFrom } from './constructs/web-firewall.js';
import { ApiStack } from './stacks/api-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { EdgeStack } from './stacks/edge-stack.js';
import { findWebBuild, WebStack } from './stacks/web-stack.js';

export interface BuildAppOptions {
  /** Prefix of every stack and physical name; default: context `prefix`, else `manyi`. */
  prefix?: string;
  /** SvelteKit build directory; default: context `webBuildDir`, else `web/build`. */
  webBuildDir?: string;
  /** Custom domain of the site; default: context `domainName` + `certificateArn`, else none. */
  customDomain?: { domainNames: string[]; certificateArn: string };
  /** Passed to the App (outdir, context); tests use a temporary outdir. */
  appProps?: AppProps;
}

export interface ManyiApp {
  app: App;
  data: DataStack;
  api: ApiStack;
  /** The CloudFront web ACL in us-east-1; absent with `-c waf=off`. */
  edge: EdgeStack | undefined;
  web: WebStack;
}

const PREFIX = /^[a-z][a-z0-9-]{1,20}$/;

/**
 * The whole CDK app, built in-process (tests call this; `cdk synth` runs this file). Stacks are
 * environment-agnostic: the account and region come from the credentials used to deploy.
 * cdk-nag's AwsSolutions pack runs as a validation plugin on every synth; an unacknowledged
 * finding fails synthesis.
 */
export function buildApp(options: BuildAppOptions = {}): ManyiApp {
  const app = new App(options.appProps);
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };

  const prefix = options.prefix ?? context('prefix') ?? 'manyi';
  if (!PREFIX.test(prefix)) throw new Error(`prefix "${prefix}" must match ${PREFIX} (it names tables, pools and stacks)`);
  const domainName = context('domainName');
  const certificateArn = context('certificateArn');
  if (Boolean(domainName) !== Boolean(certificateArn)) {
    throw new Error('set both -c domainName=... and -c certificateArn=... (an ACM certificate in us-east-1), or neither');
  }
  const waf: unknown = app.node.tryGetContext('waf') ?? 'on';
  if (waf !== 'on' && waf !== 'off') throw new Error(`-c waf=${String(waf)}: expected on or off`);
  const rateLimit = rateLimitFrom(app.node.tryGetContext('wafRateLimit'));
  const originSecretVersion = originSecretVersionFrom(app.node.tryGetContext('originSecretVersion'));
  // 阳光测评 SMS (infra/constructs/invitation-sender.ts): where messages are sent from, and how many
  // sender Lambdas run at once (the sending rate). Without an identity nothing is sent in AWS.
  const sms = { originationIdentity: context('smsOriginationIdentity'), maxConcurrency: smsConcurrencyFrom(app.node.tryGetContext('smsConcurrency')) };
  const customDomain = options.customDomain ?? (domainName && certificateArn ? { domainNames: [domainName], certificateArn } : undefined);
  // Fail before bundling a single Lambda when the web app has not been built.
  const webBuildDir = path.resolve(REPO_ROOT, options.webBuildDir ?? context('webBuildDir') ?? 'web/build');
  findWebBuild(webBuildDir);

  const data = new DataStack(app, `${prefix}-data`, { prefix, description: 'Manyi: tables, keys and staff accounts (stateful, retained)' });
  const publicBaseUrl = context('publicBaseUrl') ?? (domainName ? `https://${domainName}` : undefined);
  const api = new ApiStack(app, `${prefix}-api`, {
    prefix,
    data,
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
    sms,
    description: 'Manyi: HTTP API and its Lambda functions',
  });
  const edge =
    waf === 'on'
      ? new EdgeStack(app, `${prefix}-edge`, {
          prefix,
          rateLimit,
          description: 'Manyi: CloudFront web ACL (WAF), in us-east-1',
        })
      : undefined;
  const web = new WebStack(app, `${prefix}-web`, {
    prefix,
    api,
    clientKey: data.clientKey,
    originSecretVersion,
    edge,
    webBuildDir,
    customDomain,
    description: 'Manyi: CloudFront, SvelteKit server and static assets',
  });
  Tags.of(app).add('project', 'manyi');
  Tags.of(app).add('manyi:prefix', prefix);

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, data, api, edge, web };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  buildApp().app.synth();
}
