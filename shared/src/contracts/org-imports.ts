import * as z from 'zod';

/**
 * Imports of units and staff from CSV (UTF-8 with or without BOM, or GBK/GB18030) or XLSX. The
 * request body is the file itself (any Content-Type); preview and apply parse it the same way.
 */

export const ImportRowIssue = z.object({ field: z.string(), message: z.string() });

export const ImportPreview = z
  .object({
    kind: z.enum(['units', 'staff', 'service-records']),
    format: z.enum(['csv', 'xlsx']),
    encoding: z.enum(['utf-8', 'gb18030', 'xlsx']),
    columns: z.array(z.string()).meta({ description: 'Recognised fields, in file order' }),
    rows: z
      .array(
        z.object({
          line: z.number().int().meta({ description: 'Row number in the file (the header is row 1)' }),
          values: z
            .record(z.string(), z.union([z.string(), z.boolean()]))
            .meta({ description: 'The parsed cells; empty for bad rows after the first 1,000 (their errors are still listed)' }),
          errors: z.array(ImportRowIssue),
        }),
      )
      .meta({ description: 'Every bad row, and the first 50 good ones (a large file is summarised, not echoed)' }),
    rowCount: z.number().int().meta({ description: 'Data rows in the file' }),
    invalidRows: z.number().int().meta({ description: 'Rows with at least one error (each is in rows)' }),
    valid: z.boolean().meta({ description: 'True when no row has an error: apply would write every row' }),
    maxRows: z.number().int(),
  })
  .meta({ id: 'OrgImportPreview' });
export type ImportPreview = z.infer<typeof ImportPreview>;

export const ImportApplied = z
  .object({
    kind: z.enum(['units', 'staff']),
    created: z.number().int(),
    jobId: z
      .string()
      .optional()
      .meta({ description: 'Staff files over 50 rows: the import job (applying the same file again continues or replays it, never duplicates)' }),
    batches: z.number().int().optional().meta({ description: 'Transactions written by this request (0 when the job was already committed)' }),
  })
  .meta({ id: 'OrgImportApplied' });
export type ImportApplied = z.infer<typeof ImportApplied>;
