/**
 * Staff photos (亮身份): JPEG, PNG or WebP, at most 200 KB, recognised by their own structure, not
 * by a file name or a Content-Type a client chose. Anything else (SVG, which can carry script;
 * HTML; a truncated file) is refused.
 */
export const MAX_PHOTO_BYTES = 200 * 1024;

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ascii = (bytes: Uint8Array, start: number, length: number) => String.fromCharCode(...bytes.subarray(start, start + length));

export function photoType(bytes: Uint8Array): PhotoType | undefined {
  // JPEG: SOI marker at the start, EOI marker at the end.
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff && bytes.at(-2) === 0xff && bytes.at(-1) === 0xd9) {
    return 'image/jpeg';
  }
  // PNG: the 8-byte signature, then the IHDR chunk first.
  if (bytes.length > 24 && PNG_SIGNATURE.every((byte, i) => bytes[i] === byte) && ascii(bytes, 12, 4) === 'IHDR') return 'image/png';
  // WebP: a RIFF container whose declared size matches the file, of form WEBP.
  if (bytes.length > 16 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
    const declared = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
    if (declared + 8 === bytes.length) return 'image/webp';
  }
  return undefined;
}
