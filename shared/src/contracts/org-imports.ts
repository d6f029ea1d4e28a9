import * as z from 'zod';

/**
 * Imports of units and staff from CSV (UTF-8 with or without BOM, or GBK/GB18030) or XLSX. The
 * request body is the file itself (any Content-Type); preview and apply parse it the same way.
 */

export const ImportRowIssue = z.object({ field: z.string(), message: z.string() });

export const ImportPreview = z
  .object({
    kind: z.enum(['units', 'staff']),
    format: z.enum(['csv', 'xlsx']),
    encoding: z.enum(['utf-8', 'gb18030', 'xlsx']),
    columns: z.array(z.string()).meta({ description: 'Recognised fields, in file order' }),
    rows: z.array(
      z.object({
        line: z.number().int().meta({ description: 'Row number in the file (the header is row 1)' }),
        values: z.record(z.string(), z.union([z.string(), z.boolean()])),
        errors: z.array(ImportRowIssue),
      }),
    ),
    valid: z.boolean().meta({ description: 'True when no row has an error: apply would write every row' }),
    maxRows: z.number().int(),
  })
  .meta({ id: 'OrgImportPreview' });
export type ImportPreview = z.infer<typeof ImportPreview>;

export const ImportApplied = z
  .object({ kind: z.enum(['units', 'staff']), created: z.number().int() })
  .meta({ id: 'OrgImportApplied' });
export type ImportApplied = z.infer<typeof ImportApplied>;
