import { ErrorBody } from './errors.js';
import type { Operation } from './operation.js';
import { DrawPack } from './sampling/draw-pack.js';
import { DRAW_PACK_MAX_BYTES, DRAW_PACK_TOO_LARGE, DrawVerification } from './sampling/draw-verification.js';

/** 阳光测评 sampling rounds (issue 13): the public check of a round's draw. */
export const samplingOperations = {
  verifyDrawPack: {
    method: 'POST',
    path: '/api/public/draw-verifications',
    summary: 'Re-run the draw of a sampling round from its verification pack (manyi-draw-v1) and say which checks hold',
    description:
      'The body is the pack itself (docs/decisions/0017-manyi-draw-v1.md). Nothing is stored or looked up: the answer follows ' +
      'from the pack alone, as with `npm run verify-draw`. A pack that fails a check is still a 200 with `ok: false`; a body ' +
      `that is not a pack is a 400 naming the field. At most ${DRAW_PACK_MAX_BYTES} bytes (about 68,000 frame entries): ` +
      'larger packs are checked with the command line.',
    tag: 'public',
    auth: 'none',
    body: DrawPack,
    largeBody: { maxBytes: DRAW_PACK_MAX_BYTES, otherwise: DRAW_PACK_TOO_LARGE },
    responses: {
      200: { description: 'Each check, and whether all hold', schema: DrawVerification },
      400: { description: 'Not a manyi-draw-v1 pack; the message names the field', schema: ErrorBody },
      413: { description: `Body over ${DRAW_PACK_MAX_BYTES} bytes; the message points to npm run verify-draw`, schema: ErrorBody },
      415: { description: 'Body is not application/json', schema: ErrorBody },
    },
  },
} as const satisfies Record<string, Operation>;
