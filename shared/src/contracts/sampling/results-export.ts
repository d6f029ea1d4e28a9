import * as z from 'zod';
import type { Operation } from '../operation.js';
import { badRequest, errorResponse, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { RoundParams } from './rounds.js';

/**
 * A 阳光测评 round's report as a file (issue 13 §5; docs/decisions/0023-round-results.md): the
 * funnel, the strata, the stratified estimate with its calculation sheet, and the round's
 * commitment, frame hash, public input and (once closed) seed — every number from the same
 * results the JSON API answers. Registered for /verify like a report download.
 */
export const RoundExportFormat = z.enum(['xlsx', 'pdf'], { error: 'must be xlsx or pdf' });
export type RoundExportFormat = z.infer<typeof RoundExportFormat>;

export const RoundExportQuery = z.strictObject({ format: RoundExportFormat }).meta({ id: 'RoundExportQuery' });
export type RoundExportQuery = z.infer<typeof RoundExportQuery>;

export const roundResultExportOperations = {
  exportRoundResults: {
    method: 'GET',
    path: '/api/sampling-rounds/{roundId}/results/export',
    summary: 'Download a round’s results as XLSX or PDF (funnel, strata, estimate, calculation sheet, commitment); audit-logged; the SHA-256 is in X-Manyi-SHA256',
    tag: 'sampling',
    auth: 'bearer',
    params: RoundParams,
    query: RoundExportQuery,
    responses: {
      200: { description: 'The file' },
      400: badRequest,
      401: unauthorized,
      403: forbiddenTo('read results', 'administrators and committees'),
      404: noSuch('round', " in the caller's scope"),
      409: errorResponse('Not drawn yet: the results exist from the draw on (已抽取)'),
    },
  },
} as const satisfies Record<string, Operation>;
