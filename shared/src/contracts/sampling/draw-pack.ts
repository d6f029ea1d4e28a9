import * as z from 'zod';

/**
 * The verification pack of a sampling round's draw, format `manyi-draw-v1`
 * (docs/decisions/0017-manyi-draw-v1.md): everything an outsider needs to re-run the draw with
 * their own code. Published with the round; `seed` only once the round is closed.
 */
const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export const DRAW_ALLOCATION_METHODS = ['proportional', 'equal', 'neyman', 'fixed'] as const;

export const DrawPack = z
  .strictObject({
    format: z.literal('manyi-draw-v1'),
    round: z.string().min(1).max(200).meta({ description: 'The round’s id' }),
    commitment: Hex64.meta({ description: 'SHA-256 of the seed bytes, published when the round was committed' }),
    seed: Hex64.optional().meta({ description: 'The 32-byte seed as hex; present once the round is closed' }),
    publicInput: z.string().max(200).meta({ description: 'What was typed at the draw (e.g. a number announced at the meeting); empty when none' }),
    frameHash: Hex64.meta({ description: 'SHA-256 of the canonical frame text' }),
    allocation: z.strictObject({
      method: z.enum(DRAW_ALLOCATION_METHODS),
      total: z.number().int().min(0),
      priors: z.record(z.string(), z.number().min(0).max(1)).optional().meta({ description: 'p_h per stratum for Neyman (0.5 where absent)' }),
    }),
    strata: z.array(z.strictObject({ key: z.string().min(1), N: z.number().int().min(0), n: z.number().int().min(0) })),
    frame: z.array(z.strictObject({ stratum: z.string().min(1), entryId: z.string().min(1) })),
    sample: z.array(z.string().min(1)).meta({ description: 'Entry ids drawn: strata in UTF-8 byte order, within a stratum by draw key ascending' }),
  })
  .meta({ id: 'DrawPack' });
export type DrawPack = z.infer<typeof DrawPack>;
