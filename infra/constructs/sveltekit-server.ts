import { existsSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';
import { ManyiFunction } from './manyi-function.js';
import { ManyiHttpApi } from './manyi-http-api.js';

export interface SvelteKitServerProps {
  prefix: string;
  /** SvelteKit's server build (`web/.svelte-kit/output/server`), absolute. */
  serverDir: string;
  /** Prerendered pages of the adapter-node build (`web/build/prerendered`), absolute; may not exist. */
  prerenderedDir: string;
  environment: Record<string, string>;
}

/**
 * The SvelteKit server (infra/lambda/web-server.ts bundled with SvelteKit's server build) behind its own
 * HTTP API, which CloudFront uses as the origin of every page.
 *
 * Why not a Lambda Function URL with origin access control: with OAC, CloudFront signs requests
 * to the URL, and Lambda then requires every POST to carry the SHA-256 of its body in
 * `x-amz-content-sha256`. A browser submitting a plain HTML form (the rating form without
 * JavaScript) cannot send that header. Without OAC the URL would be open to anyone. The HTTP API's
 * own URL is public too, but the server refuses every request without CloudFront's origin secret
 * (infra/lambda/web-handler.ts, decision 0014).
 */
export class SvelteKitServer extends Construct {
  readonly function: ManyiFunction;
  readonly http: ManyiHttpApi;

  constructor(scope: Construct, id: string, props: SvelteKitServerProps) {
    super(scope, id);
    const { prerenderedDir } = props;

    this.function = new ManyiFunction(this, 'Function', {
      entry: 'infra/lambda/web-server.ts',
      description: `${props.prefix} SvelteKit server`,
      memorySize: 512,
      environment: props.environment,
      esbuildArgs: { '--alias': `manyi-sveltekit-server=${props.serverDir}` },
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        // Prerendered pages ship inside the bundle (without adapter-node's .br / .gz copies, which
        // this server never sends); web-server.ts serves them before rendering.
        afterBundling: (_inputDir, outputDir) => {
          if (!existsSync(prerenderedDir)) return [];
          const target = shellQuote(path.join(outputDir, 'prerendered'));
          return [`cp -R ${shellQuote(prerenderedDir)} ${target}`, `find ${target} -type f \\( -name '*.br' -o -name '*.gz' \\) -delete`];
        },
      },
    });

    this.http = new ManyiHttpApi(this, 'Http', {
      apiName: `${props.prefix}-web`,
      description: 'Manyi web: SvelteKit pages (origin of the CloudFront distribution)',
      rateLimit: 200,
      burstLimit: 400,
    });
    const route = new apigw.HttpRoute(this, 'DefaultRoute', {
      httpApi: this.http.api,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('ServerIntegration', this.function),
    });
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Serves the public web pages (resident rating pages and the staff sign-in page). Staff pages check the session ' +
        'in SvelteKit hooks and every data call is authorised again by the API; the route itself grants no data access.',
    });
  }
}

/** Single-quote for sh: paths come from the machine running synth, not from users. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
