import type { HttpResult } from '../../middleware/http.js';
import type { PosterFile } from '../../use-cases/posters/posters.js';

/** A binary download through API Gateway: base64 body, its media type and a file name. */
export function binary(file: PosterFile): HttpResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: file.body.toString('base64'),
    isBase64Encoded: true,
  };
}
