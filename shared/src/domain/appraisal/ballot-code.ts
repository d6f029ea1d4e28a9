/**
 * 票码 — ballot codes (issue 14 §1): 10 characters of Crockford's base32 (digits and letters
 * without I, L, O, U), 50 bits from a CSPRNG, printed on a slip as two groups of five
 * ("7KQ2M-X9D4P"). What a voter types is read leniently, as Crockford's alphabet intends: case,
 * spaces and hyphens do not matter, I and L are 1, O is 0.
 */
export const CODE_LENGTH = 10;
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A code from 7 bytes of randomness (the first 50 of their 56 bits). */
export function codeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 7) throw new RangeError('a ballot code needs 7 random bytes');
  let bits = 0n;
  for (const byte of bytes.subarray(0, 7)) bits = (bits << 8n) | BigInt(byte);
  bits >>= 6n; // 56 − 50
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) {
    code = CROCKFORD[Number(bits & 31n)]! + code;
    bits >>= 5n;
  }
  return code;
}

/** "7KQ2M-X9D4P": how a slip prints a code. */
export function printedCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * The code a voter typed, in canonical form, or undefined when it cannot be one (wrong length, a
 * character outside the alphabet: U, punctuation, a Chinese character).
 */
export function normalizeCode(typed: string): string | undefined {
  const compact = typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-–—]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (compact.length !== CODE_LENGTH) return undefined;
  for (const char of compact) if (!CROCKFORD.includes(char)) return undefined;
  return compact;
}
