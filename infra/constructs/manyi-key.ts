import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export interface ManyiKeyProps {
  /** Alias without the `alias/` prefix, e.g. `manyi/contacts-table`. */
  alias: string;
  description: string;
  /**
   * `encrypt` (default): a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT), rotated
   * yearly. `mac`: an HMAC_256 key for GenerateMac / VerifyMac; KMS cannot rotate HMAC keys
   * automatically, so whoever asks for one must say in its description why that is acceptable.
   */
  usage?: 'encrypt' | 'mac';
}

/**
 * A customer-managed KMS key with the house defaults: yearly automatic rotation (for encryption
 * keys), kept when its stack is deleted (data encrypted under a deleted key is lost), and the
 * longest pending-deletion window so that a mistaken ScheduleKeyDeletion can be cancelled.
 */
export class ManyiKey extends kms.Key {
  constructor(scope: Construct, id: string, props: ManyiKeyProps) {
    const mac = props.usage === 'mac';
    super(scope, id, {
      alias: props.alias,
      description: props.description,
      ...(mac ? { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC } : { enableKeyRotation: true }),
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
