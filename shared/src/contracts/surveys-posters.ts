import * as z from 'zod';
import { WindowCode } from './window-card.js';
import { UnitIdParam } from './surveys-versions.js';

/** `url`: the link the QR encodes (text/plain), `${PUBLIC_BASE_URL}/w/{code}`. */
export const POSTER_FORMATS = ['pdf', 'png', 'svg', 'url'] as const;
export type PosterFormat = (typeof POSTER_FORMATS)[number];
export const POSTER_SIZES = ['A4', 'A5'] as const;
export type PosterSize = (typeof POSTER_SIZES)[number];

export const WindowPosterParams = z.strictObject({ code: WindowCode }).meta({ id: 'WindowPosterParams' });
export const WindowPosterQuery = z
  .strictObject({
    format: z.enum(POSTER_FORMATS).default('pdf'),
    size: z.enum(POSTER_SIZES).default('A4'),
  })
  .meta({ id: 'WindowPosterQuery' });
export type WindowPosterQuery = z.infer<typeof WindowPosterQuery>;

export const UnitPostersParams = z.strictObject({ id: UnitIdParam }).meta({ id: 'UnitPostersParams' });
export const UnitPostersQuery = z.strictObject({ size: z.enum(POSTER_SIZES).default('A4') }).meta({ id: 'UnitPostersQuery' });
export type UnitPostersQuery = z.infer<typeof UnitPostersQuery>;

