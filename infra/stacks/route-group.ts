import path from 'node:path';
import { createRequire } from 'node:module';
import { Aws, Duration, NestedStack, type NestedStackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { Route } from '../../functions/src/routes.js';
import { grantContactOpening } from '../constructs/contact-opening.js';
import { ManyiFunction } from '../constructs/manyi-function.js';
import { grantItems } from '../constructs/manyi-table.js';
import type { InvitationSender } from '../constructs/invitation-sender.js';
import type { OriginSecret } from '../constructs/origin-secret.js';
import type { DataStack } from './data-stack.js';
import { FRAME_STAGE_GRANTS, ROUTE_ACCESS, THROTTLE_ITEM_GRANTS, type ItemGrant } from './route-access.js';

/** What account administration may do to the staff user pool: no listing, no reading of attributes. */
export const COGNITO_ADMIN_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminSetUserMFAPreference',
];

/** The poster font file (Noto Sans SC from @embedpdf/fonts-sc), copied next to poster bundles. */
function posterFontFile(): string {
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  return path.join(path.dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
}
const BUNDLED_FONT = 'poster-font.otf';

/** Grant `grants` on `table`, each restricted by dynamodb:LeadingKeys, plus the table key for writing. */
export interface RouteGroupProps extends NestedStackProps {
  prefix: string;
  data: DataStack;
  /** The routes of this group (route-groups.ts planRouteGroups). */
  routes: readonly Route[];
  httpApi: apigw.IHttpApi;
  originSecret: OriginSecret;
  /** Environment variables of every route function. */
  environment: Record<string, string>;
  /** The queue of 阳光测评 messages, for the routes whose access says `invitationQueue`. */
  invitations: InvitationSender;
}

/**
 * A nested stack of the API stack holding one group of routes (route-groups.ts): per route the
 * Lambda with its role, policy and log group, its HTTP API integration and the permission for API
 * Gateway to invoke it. The API, its stage, the authorizer, the origin secret and the routes
 * themselves (`AWS::ApiGatewayV2::Route`, one resource each) stay in the parent: a route key may
 * exist only once per API, so a route resource that changed stacks would be created before the
 * old one is deleted and fail (409); the parent's route only points at another integration when
 * a function changes groups (decision 0003). The parent's ids and ARNs come in as nested-stack
 * parameters, the data stack's as `Fn::GetStackOutput`.
 */
export class RouteGroup extends NestedStack {
  /** Route functions of this group, by operationId. */
  readonly functions: ReadonlyMap<Route['operationId'], ManyiFunction>;
  /** Their integrations, by operationId, for the parent's routes. */
  readonly integrations: ReadonlyMap<Route['operationId'], apigw.HttpIntegration>;

  constructor(scope: Construct, id: string, props: RouteGroupProps) {
    super(scope, id, props);
    const { data, prefix, originSecret } = props;
    // The anti-stuffing limits (functions/src/throttle): day keys by KMS GenerateMac. Behind
    // CloudFront the source address is an edge server's, so only a client forwarded with a valid
    // proof counts; WAF limits addresses at the edge.
    const clientLimitsEnvironment = { CLIENT_KMS_KEY_ID: data.clientKey.keyArn, CLIENT_FROM: 'forwarded-only' };

    const functions = new Map<Route['operationId'], ManyiFunction>();
    const integrations = new Map<Route['operationId'], apigw.HttpIntegration>();
    for (const route of props.routes) {
      const access = ROUTE_ACCESS[route.operationId];
      const name = pascalCase(route.operationId);
      const fn = new ManyiFunction(this, name, {
        entry: `functions/src/handlers/${route.handler}.ts`,
        description: `${prefix} ${route.method} ${route.path} (${route.operationId})`,
        environment: {
          ...props.environment,
          ...(access.clientLimits ? clientLimitsEnvironment : {}),
          ...(access.pseudonyms ? { CLIENT_KMS_KEY_ID: data.clientKey.keyArn } : {}),
          ...(access.posterFont ? { POSTER_FONT_PATH: `/var/task/${BUNDLED_FONT}` } : {}),
          ...(access.invitationQueue ? { INVITATION_QUEUE_URL: props.invitations.queue.queueUrl } : {}),
          ...(access.sendsSms && props.invitations.originationIdentity ? { SMS_ORIGINATION_IDENTITY: props.invitations.originationIdentity } : {}),
        },
        ...(access.memorySize ? { memorySize: access.memorySize } : {}),
        ...(access.timeoutSeconds ? { timeout: Duration.seconds(access.timeoutSeconds) } : {}),
        ...(access.posterFont
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_input: string, output: string) => [`cp "${posterFontFile()}" "${output}/${BUNDLED_FONT}"`],
              },
            }
          : {}),
      });
      originSecret.grantCheck(fn);
      data.ops.grant(fn, access.ops);
      data.contacts.grant(fn, access.contacts);
      data.ballots.grant(fn, access.ballots === 'cast' ? 'put-only' : access.ballots === 'tally' ? 'read' : 'none');
      data.totals.grant(fn, access.totals === 'add' ? 'update-only' : access.totals === 'read' ? 'read' : 'none');
      // Append-only audit log: PutItem (plus reads for the auditor), never Update/Delete (drill D-3).
      data.audit.grant(fn, access.audit ?? (route.auth !== 'none' || route.operationId === 'login' ? 'put-only' : 'none'));
      if (access.openContacts) grantContactOpening(fn, data.contacts, data.contactSealingKey);
      if (access.sealContacts) {
        iam.Grant.addToPrincipal({ grantee: fn, actions: ['kms:Encrypt'], resourceArns: [data.contactSealingKey.keyArn] });
      }
      if (access.clientLimits || access.pseudonyms) {
        iam.Grant.addToPrincipal({ grantee: fn, actions: ['kms:GenerateMac'], resourceArns: [data.clientKey.keyArn] });
      }
      if (access.clientLimits) {
        grantItems(data.ops, fn, THROTTLE_ITEM_GRANTS[access.clientLimits]);
      }
      if (access.frameStages) grantItems(data.ops, fn, FRAME_STAGE_GRANTS);
      if (access.invitationQueue === 'send') props.invitations.grantEnqueue(fn);
      if (access.sendsSms) props.invitations.grantSend(fn);
      if (access.cognitoAdmin) {
        iam.Grant.addToPrincipal({ grantee: fn, actions: COGNITO_ADMIN_ACTIONS, resourceArns: [data.staff.userPool.userPoolArn] });
      }

      // What HttpLambdaIntegration makes, in this stack: the proxy integration (payload 2.0) and
      // the invoke permission, scoped to this route's path on the API.
      integrations.set(
        route.operationId,
        new apigw.HttpIntegration(this, `${name}Integration`, {
          httpApi: props.httpApi,
          integrationType: apigw.HttpIntegrationType.AWS_PROXY,
          integrationUri: fn.functionArn,
          payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
        }),
      );
      fn.addPermission(`${name}Invoke`, {
        principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: this.formatArn({ service: 'execute-api', resource: props.httpApi.apiId, resourceName: `*/*${route.path}` }),
      });
      functions.set(route.operationId, fn);
    }
    this.functions = functions;
    this.integrations = integrations;
  }
}

/**
 * An integration made in a route group's nested stack, for a route of the API stack: binding
 * only hands over its id (CDK turns it into a nested-stack output), it creates nothing.
 */
export class GroupIntegration extends apigw.HttpRouteIntegration {
  private readonly made: apigw.IHttpIntegration;

  constructor(id: string, made: apigw.IHttpIntegration) {
    super(id);
    this.made = made;
  }

  override _bindToRoute(_options: apigw.HttpRouteIntegrationBindOptions): { readonly integrationId: string } {
    return { integrationId: this.made.integrationId };
  }

  bind(_options: apigw.HttpRouteIntegrationBindOptions): apigw.HttpRouteIntegrationConfig {
    throw new Error(`${this.made.node.path} is bound by its id only`);
  }
}

function pascalCase(operationId: string): string {
  return operationId.charAt(0).toUpperCase() + operationId.slice(1);
}
