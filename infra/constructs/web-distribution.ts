import { Duration, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { VIEWER_ADDRESS_HEADER, VIEWER_HOST_HEADER } from '../lambda/lambda-http.js';

export interface CustomDomain {
  /** e.g. `['rate.example.gov.cn']`. */
  domainNames: string[];
  /** ACM certificate in us-east-1 covering every name (CloudFront's requirement). */
  certificateArn: string;
}

export interface WebDistributionProps {
  /** Domain of the HTTP API in front of the SvelteKit server. */
  webOriginDomain: string;
  /** Domain of the API's HTTP API; receives `/api/*` unchanged (the routes include `/api`). */
  apiOriginDomain: string;
  assetsBucket: s3.IBucket;
  /** Top-level static files of the client build (`/favicon.png`, `/icons/*`). */
  staticPathPatterns: string[];
  customDomain?: CustomDomain | undefined;
  /** ARN of a CloudFront-scope WAF web ACL (in us-east-1); none only with `-c waf=off`. */
  webAclArn?: string | undefined;
  /**
   * Headers CloudFront adds to every request to the web server and the API (replacing any header of
   * the same name the viewer sent): the origin secret, by which both refuse whatever went around
   * CloudFront (decision 0014).
   */
  originHeaders?: Record<string, string> | undefined;
}

/**
 * The viewer-request function of the pages' behaviours (CloudFront Functions, JS 2.0): the viewer's
 * Host and address, which API Gateway's own Host and source address replace, in headers of ours.
 */
export const VIEWER_REQUEST_FUNCTION = [
  'function handler(event) {',
  '  var request = event.request;',
  `  request.headers['${VIEWER_HOST_HEADER}'] = { value: request.headers.host.value };`,
  `  request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip };`,
  '  return request;',
  '}',
].join('\n');

/** SvelteKit paths under `/_app` that the server answers, not S3. */
const SERVER_APP_PATHS = ['/_app/env.js', '/_app/env.script.js', '/_app/remote/*'];
/** CloudFront allows 25 cache behaviours by default; keep room for the fixed ones. */
const MAX_STATIC_PATTERNS = 15;

/**
 * The one public entry point: pages from the SvelteKit server, `/api/*` from the API, hashed
 * assets and top-level static files from S3. Nothing dynamic is cached; security headers on
 * every response.
 */
export class WebDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: WebDistributionProps) {
    super(scope, id);
    if (props.staticPathPatterns.length > MAX_STATIC_PATTERNS) {
      throw new Error(
        `the client build has ${props.staticPathPatterns.length} top-level entries (${props.staticPathPatterns.join(', ')}); ` +
          `CloudFront needs one behaviour each, at most ${MAX_STATIC_PATTERNS}: move them into a folder under web/static`,
      );
    }

    // Both headers are overwritten on every request, so a viewer cannot choose them through
    // CloudFront; the web server believes the address only with the origin secret (decision 0014).
    // Why a function and not the CloudFront-Viewer-Address header: an origin request policy can add
    // CloudFront headers only to a whitelist of viewer headers or to all of them including Host,
    // which API Gateway refuses; the managed AllViewerExceptHostHeader adds none.
    const viewerHost = new cloudfront.Function(this, 'ViewerHost', {
      comment: `Copies the viewer's Host into ${VIEWER_HOST_HEADER} (SvelteKit's origin check) and address into ${VIEWER_ADDRESS_HEADER}`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(VIEWER_REQUEST_FUNCTION),
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Manyi security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: false },
        // Only a floor, used when the app sends no CSP of its own: script sources are SvelteKit's
        // to decide (kit.csp, with nonces for its inline hydration script).
        contentSecurityPolicy: {
          contentSecurityPolicy: "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
          override: false,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: false },
        ],
      },
      removeHeaders: ['server', 'x-powered-by'],
    });

    const dynamic = (origin: cloudfront.IOrigin, functionAssociations?: cloudfront.FunctionAssociation[]): cloudfront.BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // API Gateway answers only to its own Host; everything else (cookies, query, Authorization,
      // Idempotency-Key) goes through.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
      compress: true,
      ...(functionAssociations ? { functionAssociations } : {}),
    });
    const httpsOrigin = (domainName: string) =>
      new origins.HttpOrigin(domainName, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        readTimeout: Duration.seconds(30),
        ...(props.originHeaders ? { customHeaders: props.originHeaders } : {}),
      });

    const webOrigin = httpsOrigin(props.webOriginDomain);
    const pages = dynamic(webOrigin, [{ function: viewerHost, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }]);
    const assetsOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.assetsBucket);
    const assets: cloudfront.BehaviorOptions = {
      origin: assetsOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: securityHeaders,
      compress: true,
    };

    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {
      '/api/*': dynamic(httpsOrigin(props.apiOriginDomain)),
      // Order matters: CloudFront takes the first matching pattern.
      ...Object.fromEntries(SERVER_APP_PATHS.map((pattern) => [pattern, pages])),
      '/_app/*': assets,
      ...Object.fromEntries(props.staticPathPatterns.map((pattern) => [pattern, assets])),
    };

    const custom = props.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Manyi web and API',
      defaultBehavior: pages,
      additionalBehaviors,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      ...(custom
        ? {
            domainNames: custom.domainNames,
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });

    const acknowledge = (ruleId: string, reason: string) => Validations.of(this.distribution).acknowledge({ id: ruleId, reason });
    acknowledge(
      'AwsSolutions-CFR3',
      'CloudFront access logs record every viewer IP address next to the request time and path, which would let the ' +
        'time of an anonymous rating be tied to a device (ARCHITECTURE.md, invariant 3). API access logs (without ' +
        'addresses) and Lambda logs cover operations.',
    );
    acknowledge(
      'AwsSolutions-CFR1',
      'Residents rate from wherever they are, including outside mainland China (Hong Kong, Macao, abroad); no ' +
        'country is to be refused.',
    );
    if (!props.webAclArn) {
      acknowledge(
        'AwsSolutions-CFR2',
        'Synthesised with -c waf=off, for partitions without CloudFront-scope WAF (the AWS China regions offer WAF ' +
          'at regional level only). Abuse is then bounded by stage throttling on both HTTP APIs and by the rate ' +
          'limits in the application; see docs/decisions/0014-waf.md.',
      );
    }
    if (!custom) {
      acknowledge(
        'AwsSolutions-CFR4',
        'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose security ' +
          'policy cannot be raised. Deploy with -c domainName=... -c certificateArn=... to get TLSv1.2_2021.',
      );
    }
  }
}
