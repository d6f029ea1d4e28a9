import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';

export const handler = httpHandler(operations.health, async () => json(200, { ok: true }));
