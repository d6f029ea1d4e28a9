import QRCode from 'qrcode';

/** An otpauth:// URI as a QR code, inline as an SVG data URL (no request for an image, works without JS). */
export async function totpQrDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
