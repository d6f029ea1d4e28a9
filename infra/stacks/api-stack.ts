import path from 'node:path';
import { createRequire } from 'node:module';
import { Aws, CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { routes, type Route } from '../../functions/src/routes.js';
import { ManyiFunction } from '../constructs/manyi-function.js';
import { ManyiHttpApi } from '../constructs/manyi-http-api.js';
import { KEY_ACTIONS_WRITE, type ManyiTable } from '../constructs/manyi-table.js';
import { OriginSecret } from '../constructs/origin-secret.js';
import type { DataStack } from './data-stack.js';
import { ROUTE_ACCESS, THROTTLE_ITEM_GRANTS, type ItemGrant } from './route-access.js';

export interface ApiStackProps extends StackProps {
  prefix: string;
  data: DataStack;
  /** Where residents open /w/{code}; printed in QR posters (e.g. https://rate.example.gov.cn). */
  publicBaseUrl?: string;
}

/** The poster font file (Noto Sans SC from @embedpdf/fonts-sc), copied next to poster bundles. */
function posterFontFile(): string {
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  return path.join(path.dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
}
const BUNDLED_FONT = 'poster-font.otf';

/**
 * The HTTP API: one Lambda per entry of the route table (functions/src/routes.ts), each with only
 * the grants its operation needs (route-access.ts). Bearer routes are also checked at the gateway
 * by a Cognito JWT authorizer; the handlers verify the token again and apply role and unit scope.
 */
/** What account administration may do to the staff user pool: no listing, no reading of attributes. */
export const COGNITO_ADMIN_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminSetUserMFAPreference',
];


/** Grant `grants` on `table`, each restricted by dynamodb:LeadingKeys, plus the table key for writing. */
function grantItems(table: ManyiTable, grantee: iam.IGrantable, grants: readonly ItemGrant[]): void {
  for (const { actions, leadingKeys } of grants) {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [table.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
    });
  }
  iam.Grant.addToPrincipal({
    grantee,
    actions: KEY_ACTIONS_WRITE,
    resourceArns: [table.key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
  });
}

export class ApiStack extends Stack {
  readonly http: ManyiHttpApi;
  /** What CloudFront sends to this API and to the web server; every route function checks it (decision 0014). */
  readonly originSecret: OriginSecret;
  /** Route functions by operationId. */
  readonly functions: ReadonlyMap<Route['operationId'], ManyiFunction>;

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
      AUTH_MODE: 'cognito',
      COGNITO_ISSUER: data.staff.issuer,
      COGNITO_CLIENT_ID: data.staff.client.userPoolClientId,
      COGNITO_USER_POOL_ID: data.staff.userPool.userPoolId,
      CONTACT_KMS_KEY_ID: data.contactSealingKey.keyArn,
      ...(props.publicBaseUrl ? { PUBLIC_BASE_URL: props.publicBaseUrl } : {}),
    };
    // The anti-stuffing limits (functions/src/throttle): day keys by KMS GenerateMac. Behind
    // CloudFront the source address is an edge server's, so only a client forwarded with a valid
    // proof counts; WAF limits addresses at the edge.
    const clientLimitsEnvironment = { CLIENT_KMS_KEY_ID: data.clientKey.keyArn, CLIENT_FROM: 'forwarded-only' };

    // Every route refuses a request without it (functions/src/middleware/origin-guard.ts): the
    // execute-api endpoint is public, and only CloudFront (and the web server) know the value.
    this.originSecret = new OriginSecret(this, 'OriginSecret', { prefix });

    const functions = new Map<Route['operationId'], ManyiFunction>();
    for (const route of routes) {
      const access = ROUTE_ACCESS[route.operationId];
      const name = pascalCase(route.operationId);
      const fn = new ManyiFunction(this, name, {
        entry: `functions/src/handlers/${route.handler}.ts`,
        description: `${prefix} ${route.method} ${route.path} (${route.operationId})`,
        environment: {
          ...environment,
          ...(access.clientLimits ? clientLimitsEnvironment : {}),
          ...(access.pseudonyms ? { CLIENT_KMS_KEY_ID: data.clientKey.keyArn } : {}),
          ...(access.posterFont ? { POSTER_FONT_PATH: `/var/task/${BUNDLED_FONT}` } : {}),
        },
        ...(access.memorySize ? { memorySize: access.memorySize } : {}),
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
      this.originSecret.grantCheck(fn);
      data.ops.grant(fn, access.ops);
      data.contacts.grant(fn, access.contacts);
      // Append-only audit log: PutItem (plus reads for the auditor), never Update/Delete (drill D-3).
      data.audit.grant(fn, access.audit ?? (route.auth !== 'none' || route.operationId === 'login' ? 'put-only' : 'none'));
      if (access.sealContacts) {
        iam.Grant.addToPrincipal({ grantee: fn, actions: ['kms:Encrypt'], resourceArns: [data.contactSealingKey.keyArn] });
      }
      if (access.clientLimits || access.pseudonyms) {
        iam.Grant.addToPrincipal({ grantee: fn, actions: ['kms:GenerateMac'], resourceArns: [data.clientKey.keyArn] });
      }
      if (access.clientLimits) {
        grantItems(data.ops, fn, THROTTLE_ITEM_GRANTS[access.clientLimits]);
      }
      if (access.cognitoAdmin) {
        iam.Grant.addToPrincipal({ grantee: fn, actions: COGNITO_ADMIN_ACTIONS, resourceArns: [data.staff.userPool.userPoolArn] });
      }

      const [apiRoute] = this.http.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
        ...(route.auth === 'bearer' ? { authorizer } : {}),
      });
      if (route.auth === 'client' && apiRoute) {
        Validations.of(apiRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is called by business systems with a 接入系统 credential (auth: 'client'), which the function ` +
            'verifies against the hash in the ops table on every request (functions/src/auth/client-credentials.ts); a JWT authorizer ' +
            'cannot check it. Refused credentials are audited.',
        });
      }
      if (route.auth === 'none' && apiRoute) {
        Validations.of(apiRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            `${route.method} ${route.path} is public by design (auth: 'none' in the route table): residents rate ` +
            'anonymously from a QR code and have no account; the health and OpenAPI routes expose no data. The stage is ' +
            'throttled and writes are idempotent.',
        });
      }
      functions.set(route.operationId, fn);
    }
    this.functions = functions;

    new CfnOutput(this, 'ApiEndpoint', { value: this.http.api.apiEndpoint });
    // Named in the rotation steps of decision 0014.
    new CfnOutput(this, 'OriginSecretArn', { value: this.originSecret.secret.secretArn });
  }
}

function pascalCase(operationId: string): string {
  return operationId.charAt(0).toUpperCase() + operationId.slice(1);
}
