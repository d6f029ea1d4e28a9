import * as z from 'zod';

/**
 * The answer of the public draw verification (POST /api/public/draw-verifications, the /verify
 * page): each check of manyi-draw-v1 re-run on an uploaded pack (docs/decisions/0017-manyi-draw-v1.md).
 */

/**
 * The largest pack the web accepts, in bytes. The page's upload reaches the web server as a
 * multipart body that API Gateway base64-encodes (4/3 larger) into a Lambda event of at most 6 MB:
 * 4 MB becomes 5.3 MB and fits, 5 MB would not. About 68,000 frame entries written compactly
 * (~58 bytes each), 47,000 pretty-printed; larger packs are checked with `npm run verify-draw`.
 */
export const DRAW_PACK_MAX_BYTES = 4_000_000;

/** What a 413 tells the caller to do instead (the API's message; the page says it in Chinese). */
export const DRAW_PACK_TOO_LARGE =
  'a pack this large is checked on your own computer: npm run verify-draw -- pack.json (docs/decisions/0017-manyi-draw-v1.md)';

/** The five checks, in the order they run. */
export const DRAW_CHECKS = ['commitment', 'frameHash', 'strata', 'allocation', 'sample'] as const;
export type DrawCheckName = (typeof DRAW_CHECKS)[number];

export const DrawCheck = z
  .object({
    check: z.enum(DRAW_CHECKS),
    ok: z.boolean(),
    detail: z.string().meta({ description: 'One line in English: what was recomputed and, on a mismatch, what differs' }),
  })
  .meta({ id: 'DrawCheck' });
export type DrawCheck = z.infer<typeof DrawCheck>;

export const DrawVerification = z
  .object({
    format: z.literal('manyi-draw-v1'),
    round: z.string(),
    frameEntries: z.number().int().min(0),
    sampleSize: z.number().int().min(0).meta({ description: 'Entry ids the pack says were drawn' }),
    checks: z.array(DrawCheck),
    ok: z.boolean().meta({ description: 'Every check holds: this is the sample the committed seed and the frame give' }),
  })
  .meta({
    id: 'DrawVerification',
    examples: [
      {
        format: 'manyi-draw-v1',
        round: 'example-2026-12',
        frameEntries: 7,
        sampleSize: 4,
        checks: [
          { check: 'commitment', ok: true, detail: 'SHA-256(seed) = 630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd' },
          { check: 'frameHash', ok: true, detail: 'SHA-256(frame) = 382ba0bdb4fa7a67a0a58a506375497f89e5b075f14360d65964b0cc73dd38df over 7 entries' },
          { check: 'strata', ok: true, detail: '2 strata, N = 7' },
          { check: 'allocation', ok: true, detail: 'proportional, n = 4' },
          { check: 'sample', ok: true, detail: "4 entries re-drawn, the same as the pack's, in the same order" },
        ],
        ok: true,
      },
    ],
  });
export type DrawVerification = z.infer<typeof DrawVerification>;
