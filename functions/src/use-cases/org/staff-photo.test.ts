import { describe, expect, it } from 'vitest';
import { photoType } from './staff-photo.js';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e3c2a40000000049454e44ae426082', 'hex');
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
function webp(): Buffer {
  const body = Buffer.concat([Buffer.from('WEBP'), Buffer.from('VP8L'), Buffer.from([5, 0, 0, 0, 0x2f, 0, 0, 0, 0, 0])]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('photoType', () => {
  it('recognises PNG, JPEG and WebP by their structure', () => {
    expect(photoType(png)).toBe('image/png');
    expect(photoType(jpeg)).toBe('image/jpeg');
    expect(photoType(webp())).toBe('image/webp');
  });

  it('refuses SVG, HTML, a truncated JPEG and a WebP whose size lies', () => {
    expect(photoType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeUndefined();
    expect(photoType(Buffer.from('<html><body>hi</body></html>'))).toBeUndefined();
    expect(photoType(jpeg.subarray(0, jpeg.length - 1))).toBeUndefined();
    const lying = webp();
    lying.writeUInt32LE(9999, 4);
    expect(photoType(lying)).toBeUndefined();
  });
});
