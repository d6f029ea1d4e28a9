import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { dayKeyMessage } from '#shared/domain/client-key.js';
import { cachedKeyring, type ClientKeyring } from '../throttle/keyring.js';

/**
 * AWS: the day keys of the anti-stuffing hashes are KMS HMACs (HMAC_SHA_256 over an HMAC_256 key)
 * of the day's message; the root key never leaves KMS, and each process asks once a day.
 */
export function createKmsKeyring(keyId: string, region: string): ClientKeyring {
  const kms = new KMSClient({ region });
  return cachedKeyring({
    async dayKey(day) {
      const { Mac } = await kms.send(
        new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: new TextEncoder().encode(dayKeyMessage(day)) }),
      );
      if (!Mac) throw new Error('KMS returned no MAC');
      return Buffer.from(Mac);
    },
  });
}
