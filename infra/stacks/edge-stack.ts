import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebFirewall } from '../constructs/web-firewall.js';

/** CloudFront takes web ACLs (and certificates) from this region only. */
export const EDGE_REGION = 'us-east-1';

export interface EdgeStackProps extends StackProps {
  prefix: string;
  /** Requests per client IP per five minutes on the public write paths (context `wafRateLimit`). */
  rateLimit: number;
}

/**
 * What CloudFront needs from us-east-1: the web ACL. Pinned to that region whatever region the
 * other stacks deploy to (the account still comes from the credentials); it holds no data.
 */
export class EdgeStack extends Stack {
  /** Name of the output that carries the web ACL's ARN. */
  static readonly WEB_ACL_ARN_OUTPUT = 'WebAclArn';
  readonly firewall: WebFirewall;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: EDGE_REGION } });
    this.firewall = new WebFirewall(this, 'Firewall', { prefix: props.prefix, rateLimit: props.rateLimit });
    new CfnOutput(this, EdgeStack.WEB_ACL_ARN_OUTPUT, {
      value: this.firewall.webAcl.attrArn,
      description: 'ARN of the CloudFront web ACL (read by the web stack)',
    });
  }

  /**
   * The web ACL's ARN for a stack in any region of the same account: `Fn::GetStackOutput` with an
   * explicit region, read by CloudFormation when that stack deploys. CDK's own cross-stack
   * references need both stacks to name their region, and ours are environment-agnostic; when the
   * app is deployed in us-east-1 anyway, this is simply a same-region read.
   */
  get webAclArn(): string {
    return Fn.getStackOutput(this.stackName, EdgeStack.WEB_ACL_ARN_OUTPUT, EDGE_REGION);
  }
}
