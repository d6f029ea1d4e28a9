import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { Construct } from 'constructs';
import { routes, type Route } from '../../functions/src/routes.js';
import { CaseSweeper } from '../constructs/case-sweeper.js';
import { RollupConsumer } from '../constructs/rollup-consumer.js';
import { InvitationSender } from '../constructs/invitation-sender.js';
import type { ManyiFunction } from '../constructs/manyi-function.js';
import { ManyiHttpApi } from '../constructs/manyi-http-api.js';
import { OriginSecret } from '../constructs/origin-secret.js';
import type { DataStack } from './data-stack.js';
import { GroupIntegration, RouteGroup } from './route-group.js';
import { planRouteGroups } from './route-groups.js';

export { COGNITO_ADMIN_ACTIONS } from './route-group.js';

export interface ApiStackProps extends StackProps {
  prefix: string;
  data: DataStack;
  /** Where residents open /w/{code}; printed in QR posters (e.g. https://rate.example.gov.cn). */
  publicBaseUrl?: string;
  /** 阳光测评 SMS: `-c smsOriginationIdentity` and `-c smsConcurrency` (infra/constructs/invitation-sender.ts). */
  sms?: { originationIdentity?: string | undefined; maxConcurrency?: number | undefined };
}

/**
 * The HTTP API: one Lambda per entry of the route table (functions/src/routes.ts), each with only
 * the grants its operation needs (route-access.ts). Bearer routes are also checked at the gateway
 * by a Cognito JWT authorizer; the handlers verify the token again and apply role and unit scope.
 *
 * The API, its stage, the authorizer, the origin secret and the routes (one resource each) live
 * here; the route functions with their roles, policies, log groups, integrations and invoke
 * permissions (six resources each) live in nested stacks, one per route group (route-groups.ts,
 * decision 0003), so that no stack nears CloudFormation's 500-resource limit as routes are added.
 */
export class ApiStack extends Stack {
  readonly http: ManyiHttpApi;
  /** What CloudFront sends to this API and to the web server; every route function checks it (decision 0014). */
  readonly originSecret: OriginSecret;
  /** Route functions by operationId. */
  readonly functions: ReadonlyMap<Route['operationId'], ManyiFunction>;
  /** The nested stacks holding the route functions, one per route group (route-groups.ts). */
  readonly routeGroups: readonly RouteGroup[];
  /** 阳光测评 messages: the queue the send and remind jobs fill, and the sender Lambda behind it. */
  readonly invitations: InvitationSender;
  readonly caseSweeper: CaseSweeper;
  /** The rollups of the running totals, kept from the totals table's stream (decision 0031). */
  readonly rollups: RollupConsumer;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { data, prefix } = props;

    this.http = new ManyiHttpApi(this, 'Http', {
      apiName: `${prefix}-api`,
      description: 'Manyi API: public rating routes and staff routes',
      // A county's busiest hour is a few hundred ratings; this leaves room for a whole province.
      rateLimit: 200,
      burstLimit: 400,
    });

    // Built from the pool's own ProviderURL, so the issuer is right in every partition
    // (amazonaws.com.cn included), unlike HttpUserPoolAuthorizer's hard-coded amazonaws.com.
    const authorizer = new HttpJwtAuthorizer('StaffToken', data.staff.issuer, {
      authorizerName: 'staff-token',
      jwtAudience: [data.staff.client.userPoolClientId],
    });

    const environment = {
      OPS_TABLE: data.ops.table.tableName,
      CONTACTS_TABLE: data.contacts.table.tableName,
      AUDIT_TABLE: data.audit.table.tableName,
      BALLOTS_TABLE: data.ballots.table.tableName,
      TOTALS_TABLE: data.totals.table.tableName,
      AUTH_MODE: 'cognito',
      COGNITO_ISSUER: data.staff.issuer,
      COGNITO_CLIENT_ID: data.staff.client.userPoolClientId,
      COGNITO_USER_POOL_ID: data.staff.userPool.userPoolId,
      CONTACT_KMS_KEY_ID: data.contactSealingKey.keyArn,
      ...(props.publicBaseUrl ? { PUBLIC_BASE_URL: props.publicBaseUrl } : {}),
    };

    // Every route refuses a request without it (functions/src/middleware/origin-guard.ts): the
    // execute-api endpoint is public, and only CloudFront (and the web server) know the value.
    this.originSecret = new OriginSecret(this, 'OriginSecret', { prefix });

    // Here, not in a route group: it is no route, and its ten or so resources fit the parent well.
    this.invitations = new InvitationSender(this, 'Invitations', {
      prefix,
      ops: data.ops,
      contacts: data.contacts,
      contactSealingKey: data.contactSealingKey,
      environment,
      originationIdentity: props.sms?.originationIdentity,
      ...(props.sms?.maxConcurrency !== undefined ? { maxConcurrency: props.sms.maxConcurrency } : {}),
    });

    // 差评整改: overdue cases escalate to the parent unit, daily (no route: a schedule).
    this.caseSweeper = new CaseSweeper(this, 'CaseSweeper', { prefix, ops: data.ops, audit: data.audit, environment });
    // Rollups: the totals table's stream into one consumer (no route: an event source mapping).
    this.rollups = new RollupConsumer(this, 'Rollups', { prefix, ops: data.ops, totals: data.totals, environment });

    const groups: RouteGroup[] = [];
    for (const plan of planRouteGroups(routes)) {
      const group = new RouteGroup(this, plan.id, {
        prefix,
        data,
        routes: plan.routes,
        httpApi: this.http.api,
        originSecret: this.originSecret,
        environment,
        invitations: this.invitations,
        description: `${prefix}: API routes of tag ${plan.tag}${plan.shard === 0 ? '' : ` (shard ${plan.shard})`}`,
      });
      groups.push(group);
    }
    // The routes stay here, under the ids HttpApi.addRoutes gives them (`<METHOD><path>`), so their
    // logical ids never change: a route key exists once per API, and a route resource created
    // anew (in another stack) would collide with the one it replaces before that is deleted.
    for (const route of routes) {
      const group = groups.find((candidate) => candidate.integrations.has(route.operationId));
      if (!group) throw new Error(`route ${route.operationId} is in no route group`);
      const method = apigw.HttpMethod[route.method];
      const apiRoute = new apigw.HttpRoute(this.http.api, `${method}${route.path}`, {
        httpApi: this.http.api,
        routeKey: apigw.HttpRouteKey.with(route.path, method),
        integration: new GroupIntegration(`${route.operationId}Integration`, group.integrations.get(route.operationId)!),
        ...(route.auth === 'bearer' ? { authorizer } : {}),
      });
      if (route.auth === 'client') {
        Validations.of(apiRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is called by business systems with a 接入系统 credential (auth: 'client'), which the function ` +
            'verifies against the hash in the ops table on every request (functions/src/auth/client-credentials.ts); a JWT authorizer ' +
            'cannot check it. Refused credentials are audited.',
        });
      }
      if (route.auth === 'none') {
        Validations.of(apiRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is public by design (auth: 'none' in the route table): residents rate ` +
            'anonymously from a QR code and have no account; the health and OpenAPI routes expose no data. The stage is ' +
            'throttled and writes are idempotent.',
        });
      }
    }
    // In route-table order, wherever each function lives.
    const functions = new Map<Route['operationId'], ManyiFunction>();
    for (const route of routes) {
      const fn = groups.map((group) => group.functions.get(route.operationId)).find((found) => found !== undefined);
      if (!fn) throw new Error(`route ${route.operationId} is in no route group`);
      functions.set(route.operationId, fn);
    }
    this.functions = functions;
    this.routeGroups = groups;

    new CfnOutput(this, 'ApiEndpoint', { value: this.http.api.apiEndpoint });
    // Named in the rotation steps of decision 0014.
    new CfnOutput(this, 'OriginSecretArn', { value: this.originSecret.secret.secretArn });
  }
}
