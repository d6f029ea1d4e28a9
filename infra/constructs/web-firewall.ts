import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/**
 * Requests per client IP address per evaluation window on the public write paths (context
 * `wafRateLimit`). WAF's floor is 10; 300 per 5 minutes is one POST a second, sustained: a service
 * hall whose residents all rate over the hall's Wi-Fi (one public address) stays far below it.
 */
export const RATE_LIMIT = { default: 300, min: 10, max: 2_000_000_000 } as const;
/** WAF offers 60, 120, 300 and 600 seconds; five minutes evens out short bursts (a hall calling many numbers at once). */
export const RATE_WINDOW_SECONDS = 300;

/**
 * Where anonymous visitors write, so where stuffing and password guessing come in: the resident's
 * rating form (`POST /w/{code}?/rate`, and its thanks page), the public API (`POST
 * /api/public/ratings`), sign-in (the `/login` and `/login/totp` pages, `/api/auth/*`) and the
 * public mailbox's form (`POST /m`, decision 0029; its API is under `/api/public/`).
 */
export const RATE_LIMITED_POST_PATHS = {
  startsWith: ['/w/', '/api/public/', '/api/auth/', '/login/'],
  exactly: ['/login', '/m'],
} as const;

/**
 * Routes that receive files: the unit import page and its API (XLSX), the staff and 办件 import APIs, staff
 * photos (page and API), and the export-pack check on /verify (the pack itself without JavaScript).
 * The common rule set does not inspect them (see below). Matched against the URL-decoded path.
 */
export const FILE_UPLOAD_PATH_PATTERN =
  '^/(admin/units/import|admin/staff/[^/]+|verify|api/org/(unit|staff|service-record)-imports/(preview|apply)|api/org/staff/[^/]+/photo)$';

/** The 429 page: the resident's form posts navigate to it, so it is HTML, in Chinese first. */
const TOO_MANY_REQUESTS_PAGE = [
  '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
  '<meta name="viewport" content="width=device-width, initial-scale=1">',
  '<title>提交过于频繁 · Too many requests</title></head><body>',
  '<h1>提交过于频繁，请稍后再试</h1>',
  '<p>短时间内来自同一网络的提交太多。请过几分钟后返回上一页，再次提交。</p>',
  '<h2 lang="en">Too many requests</h2>',
  '<p lang="en">Too many submissions from this network in a short time. Please wait a few minutes, then go back and submit again.</p>',
  '</body></html>',
].join('');
const TOO_MANY_REQUESTS_BODY = 'too-many-requests';

/**
 * Compliance packs that want every web ACL to log (cdk-nag's AwsSolutions pack, the one this app
 * runs, does not check it); acknowledged here so that adding one of them states the reason.
 */
const WAF_LOGGING_RULES = [
  'NIST.800.53.R4-WAFv2LoggingEnabled',
  'NIST.800.53.R5-WAFv2LoggingEnabled',
  'HIPAA.Security-WAFv2LoggingEnabled',
  'PCI.DSS.321-WAFv2LoggingEnabled',
];

export interface WebFirewallProps {
  prefix: string;
  /** Requests per client IP per {@link RATE_WINDOW_SECONDS} on the public write paths. */
  rateLimit: number;
}

/**
 * `-c wafRateLimit=…` (a string from the command line, a number from cdk.json), or the default.
 * Refuses what WAF would refuse at deploy time.
 */
export function rateLimitFrom(value: unknown): number {
  if (value === undefined || value === '') return RATE_LIMIT.default;
  const limit = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < RATE_LIMIT.min || limit > RATE_LIMIT.max) {
    throw new Error(
      `wafRateLimit must be a whole number of requests per ${RATE_WINDOW_SECONDS} s from ${RATE_LIMIT.min} to ${RATE_LIMIT.max}, got ${JSON.stringify(value)}`,
    );
  }
  return limit;
}

/**
 * The web ACL in front of CloudFront: a per-IP rate limit on the public write paths and three AWS
 * managed rule groups. It keeps counts only: CloudWatch metrics per rule, no sampled requests and
 * no logging configuration, because both record the client IP next to the path and time of a
 * request, which would let an anonymous rating be tied to an address (ARCHITECTURE.md, invariant 3).
 */
export class WebFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new Error(`a CloudFront web ACL must be created in us-east-1, not ${region}`);
    }
    const limit = rateLimitFrom(props.rateLimit);

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.prefix}-web`,
      description: 'Manyi: per-IP rate limit on public form posts and sign-in, AWS managed rule groups',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      customResponseBodies: {
        [TOO_MANY_REQUESTS_BODY]: { contentType: 'TEXT_HTML', content: TOO_MANY_REQUESTS_PAGE },
      },
      visibilityConfig: metricsOnly(`${props.prefix}-web`),
      rules: [
        // First, so that addresses AWS already knows as bad do not use up anyone's rate.
        managedRuleGroup('AWSManagedRulesAmazonIpReputationList', 0),
        {
          name: 'RateLimitPublicWrites',
          priority: 1,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: TOO_MANY_REQUESTS_BODY,
                responseHeaders: [{ name: 'retry-after', value: String(RATE_WINDOW_SECONDS) }],
              },
            },
          },
          statement: {
            rateBasedStatement: {
              limit,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                andStatement: {
                  statements: [
                    byteMatch({ method: {} }, 'EXACTLY', 'POST'),
                    {
                      orStatement: {
                        statements: [
                          ...RATE_LIMITED_POST_PATHS.startsWith.map((path) => byteMatch({ uriPath: {} }, 'STARTS_WITH', path)),
                          ...RATE_LIMITED_POST_PATHS.exactly.map((path) => byteMatch({ uriPath: {} }, 'EXACTLY', path)),
                        ],
                      },
                    },
                  ],
                },
              },
            },
          },
          visibilityConfig: metricsOnly('RateLimitPublicWrites'),
        },
        managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 2),
        managedRuleGroup('AWSManagedRulesCommonRuleSet', 3, {
          // SizeRestrictions_BODY blocks bodies over 8 KB. A resident's 500-character comment is
          // 4.5 KB once URL-encoded (9 bytes per Chinese character), and the survey's own text
          // questions come on top; XLSX imports and photos are far larger. Body size is bounded by
          // the contracts (zod) and API Gateway instead; WAF only counts.
          ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
          // Binary uploads (zip-packed XLSX, JPEG) are where the body rules' pattern matching
          // (cross-site scripting, file inclusion) misfires, and with no WAF logs a blocked import
          // could not be diagnosed. All but /verify are for signed-in staff, and all still pass the
          // IP reputation and known-bad-inputs groups.
          scopeDownStatement: {
            notStatement: {
              statement: {
                regexMatchStatement: {
                  regexString: FILE_UPLOAD_PATH_PATTERN,
                  fieldToMatch: { uriPath: {} },
                  textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
                },
              },
            },
          },
        }),
      ],
    });

    for (const id of WAF_LOGGING_RULES) {
      Validations.of(this.webAcl).acknowledge({
        id,
        reason:
          'No WAF logging, on purpose: a WAF log line holds the client IP, path and time of every request, which ' +
          'would tie an anonymous rating to an address (ARCHITECTURE.md, invariant 3), as CloudFront access logs ' +
          'would (AwsSolutions-CFR3). Per-rule CloudWatch metrics (counts, no addresses) show what the rules do.',
      });
    }
  }
}

/** CloudWatch counts per rule; no sampled requests (they keep client IPs, headers and paths for three hours). */
function metricsOnly(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { metricName, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: false };
}

/**
 * A string match on the request method or the URL-decoded path (SvelteKit and API Gateway decode
 * `%77` to `w` before routing, so the raw path alone could be dodged).
 */
function byteMatch(
  fieldToMatch: wafv2.CfnWebACL.FieldToMatchProperty,
  positionalConstraint: 'EXACTLY' | 'STARTS_WITH',
  searchString: string,
): wafv2.CfnWebACL.StatementProperty {
  const decode = 'uriPath' in fieldToMatch;
  return {
    byteMatchStatement: {
      fieldToMatch,
      positionalConstraint,
      searchString,
      textTransformations: [{ priority: 0, type: decode ? 'URL_DECODE' : 'NONE' }],
    },
  };
}

function managedRuleGroup(
  name: string,
  priority: number,
  options: Omit<wafv2.CfnWebACL.ManagedRuleGroupStatementProperty, 'name' | 'vendorName'> = {},
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...options } },
    visibilityConfig: metricsOnly(name),
  };
}
