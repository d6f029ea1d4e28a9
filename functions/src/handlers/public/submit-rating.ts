import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { IdempotencyKey } from '#shared/contracts/rating.js';
import { ValidationError } from '../../errors.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { header, json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { submitRating } from '../../use-cases/submit-rating.js';

const operation = operations.submitRating;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  const key = header(event, 'idempotency-key');
  if (key !== undefined && !IdempotencyKey.safeParse(key).success) {
    throw ValidationError.forField('Idempotency-Key', 'must be 8–128 visible ASCII characters');
  }
  const { id, replayed } = await submitRating(getRuntime(), input, { idempotencyKey: key });
  return json(201, { id }, replayed ? { 'idempotent-replayed': 'true' } : {});
});
