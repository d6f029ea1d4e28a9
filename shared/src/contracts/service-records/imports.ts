import * as z from 'zod';

/**
 * 办件 files (CSV or XLSX) uploaded by an administrator: preview answers the shared ImportPreview
 * (kind `service-records`); apply writes the file in chunks, one request at a time, and answers
 * where the job stands. Decision 0019, "Files of 办件".
 */

/** Rows of one file: a file is at most 3 MiB anyway (about 25,000 CSV rows, more in XLSX). */
export const MAX_SERVICE_RECORD_ROWS = 200_000;

export const ServiceRecordImportApplied = z
  .object({
    kind: z.literal('service-records'),
    total: z.number().int().meta({ description: 'Data rows in the file' }),
    done: z.number().int().meta({ description: 'Rows handled so far, in file order' }),
    finished: z
      .boolean()
      .meta({ description: 'False: send the same file again to continue (the same person and bytes are the same job: it goes on where it stopped, or replays these counts once finished)' }),
    stored: z.number().int(),
    unchanged: z.number().int().meta({ description: 'The same record was there already (a no-op)' }),
    conflict: z.number().int().meta({ description: 'This 办件编号 of the unit holds a different record' }),
    refused: z.number().int().meta({ description: 'Invalid rows and rows of units outside the scope' }),
  })
  .meta({ id: 'ServiceRecordImportApplied' });
export type ServiceRecordImportApplied = z.infer<typeof ServiceRecordImportApplied>;
