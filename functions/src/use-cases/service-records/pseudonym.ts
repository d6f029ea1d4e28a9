import { mac128 } from '../../throttle/mac.js';

/**
 * The keyed pseudonym of an applicant's mobile number (issue 13 §1; decision 0019): HMAC-SHA256
 * under the pseudonym key, first 128 bits, base64url. Never a plain hash: the 10^10 mobile numbers
 * are enumerated in seconds, so without the key a pseudonym says nothing; with it (KMS in AWS, the
 * root under .data/ locally) the same number always gives the same pseudonym, which is what
 * de-duplication and quarantine need. The key is the keyring's derived key for the label
 * `phone-pseudonym` (push.ts): HMAC of the client root key, which never leaves KMS in AWS.
 */
export function phonePseudonym(key: Uint8Array, mobile: string): string {
  return mac128(key, `phone|${mobile}`);
}
