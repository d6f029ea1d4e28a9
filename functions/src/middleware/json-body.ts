import type middy from '@middy/core';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors.js';
import { header, type Context, type HttpEvent, type HttpResult } from './http.js';

/** Bodies larger than this are refused before parsing (hostile input is clamped at the edge). */
export const MAX_BODY_BYTES = 16 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the body as JSON: Content-Type must be application/json, the size at most 16 KB (or the
 * operation's `largeBody.maxBytes`), the bytes valid UTF-8 and the text valid JSON. The result is
 * still untrusted until the handler parses it with its zod schema.
 */
export function jsonBody(large?: { maxBytes: number; otherwise: string }): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  const maxBytes = large?.maxBytes ?? MAX_BODY_BYTES;
  return {
    before: async (request) => {
      const event = request.event;
      const contentType = header(event, 'content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(contentType)) throw new UnsupportedMediaTypeError();
      const raw = event.body ?? '';
      const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes, large?.otherwise);
      let text: string;
      try {
        text = event.isBase64Encoded ? strictUtf8.decode(bytes) : raw;
      } catch {
        throw ValidationError.forField('body', 'must be valid UTF-8');
      }
      if (text.trim() === '') throw ValidationError.forField('body', 'is required');
      try {
        event.jsonBody = JSON.parse(text);
      } catch {
        throw ValidationError.forField('body', 'must be valid JSON');
      }
    },
  };
}
