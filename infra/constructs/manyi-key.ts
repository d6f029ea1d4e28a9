import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export interface ManyiKeyProps {
  /** Alias without the `alias/` prefix, e.g. `manyi/contacts-table`. */
  alias: string;
  description: string;
}

/**
 * A customer-managed symmetric KMS key with the house defaults: yearly automatic rotation, kept
 * when its stack is deleted (data encrypted under a deleted key is lost), and the longest
 * pending-deletion window so that a mistaken ScheduleKeyDeletion can be cancelled.
 */
export class ManyiKey extends kms.Key {
  constructor(scope: Construct, id: string, props: ManyiKeyProps) {
    super(scope, id, {
      alias: props.alias,
      description: props.description,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
