/**
 * A mainland mobile number or a 居民身份证号 written into free text — a mailbox letter, a rating's
 * comment — with digits full-width or split by spaces and hyphens. A number belongs in the form's
 * own field (sealed in the contact store, deleted when the case finishes), never in text that staff
 * read and the case or the rating keeps (privacy by construction: no phone number outside the
 * contact store). Such text is refused with a message naming the field, not silently changed.
 */
/** Separators people put between digit groups: spaces, hyphens and dashes, dots. */
const SEP = '[\\s.\\-\u2010-\u2015\u2212]*';
/** 11 digits starting 1[3-9], maybe after +86 / 86, with separators anywhere between digits. */
const MOBILE_IN_TEXT = new RegExp(`(?<![\\d])(?:\\+?86${SEP})?1${SEP}[3-9](?:${SEP}\\d){9}(?![\\d])`, 'u');
/** 18 characters: 17 digits and a digit or X, separators allowed; checked below before it counts. */
const ID_CANDIDATE = new RegExp(`(?<![\\dXx])\\d(?:${SEP}\\d){16}${SEP}[\\dXx](?![\\dXx])`, 'gu');

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** A 居民身份证号 (GB 11643): a real birth date (1900 on) and the ISO 7064 mod 11-2 check character. */
function isIdNumber(digits: string): boolean {
  const born = digits.slice(6, 14);
  const year = Number(born.slice(0, 4));
  const date = new Date(`${born.slice(0, 4)}-${born.slice(4, 6)}-${born.slice(6, 8)}T00:00:00Z`);
  if (year < 1900 || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replaceAll('-', '') !== born) return false;
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
  return ID_CHECK[sum % 11] === digits[17]!.toUpperCase();
}

export function personalNumberIn(text: string): 'mobile' | 'id' | undefined {
  const plain = text.normalize('NFKC');
  if (MOBILE_IN_TEXT.test(plain)) return 'mobile';
  for (const match of plain.matchAll(ID_CANDIDATE)) if (isIdNumber(match[0].replace(/[^\dXx]/gu, ''))) return 'id';
  return undefined;
}
