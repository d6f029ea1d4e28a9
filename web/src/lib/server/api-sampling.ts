import { samplingOperations } from '#shared/contracts/ops-sampling.js';
import { DrawVerification } from '#shared/contracts/sampling/draw-verification.js';
import { call, type ApiResult } from './api';

/**
 * Client functions of the 阳光测评 sampling capability (issue 13). The pack is sent as it was read
 * from the uploaded file: the API validates it (DrawPack) and names bad fields.
 */
export function verifyDrawPack(pack: unknown): Promise<ApiResult<DrawVerification>> {
  const op = samplingOperations.verifyDrawPack;
  return call(DrawVerification, { method: op.method, path: op.path, body: pack });
}
