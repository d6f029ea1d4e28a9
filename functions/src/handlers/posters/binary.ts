import type { HttpResult } from '../../middleware/http.js';
import type { PosterFile } from '../../use-cases/posters/posters.js';

/** A binary download through API Gateway: base64 body, its media type, a file name and extra headers. */
export function binary(file: Pick<PosterFile, 'contentType' | 'filename' | 'body'>, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
    body: file.body.toString('base64'),
    isBase64Encoded: true,
  };
}
