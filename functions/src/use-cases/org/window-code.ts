/**
 * Window codes (the `/w/{code}` of a QR): 8 characters from a 31-character alphabet without the
 * look-alikes 0/o, 1/l/i, so a code read aloud or typed from a poster is unambiguous. 31^8 ≈ 8.5e11
 * codes, drawn at random (never in sequence, so a code says nothing about its neighbours); the
 * store's conditional put catches the rare collision.
 */
export const WINDOW_CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const WINDOW_CODE_LENGTH = 8;

/** `randomBelow(n)` returns a uniform integer in [0, n), e.g. node:crypto's randomInt. */
export function windowCode(randomBelow: (n: number) => number): string {
  let code = '';
  for (let i = 0; i < WINDOW_CODE_LENGTH; i++) code += WINDOW_CODE_ALPHABET[randomBelow(WINDOW_CODE_ALPHABET.length)];
  return code;
}

export function isWindowCode(value: string): boolean {
  return value.length === WINDOW_CODE_LENGTH && [...value].every((c) => WINDOW_CODE_ALPHABET.includes(c));
}
