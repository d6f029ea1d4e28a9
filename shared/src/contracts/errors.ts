import * as z from 'zod';

/** One problem with one field of a request, e.g. `{ field: 'level', message: 'level: …' }`. */
export const FieldIssue = z.object({
  field: z.string().meta({ description: 'Dotted path of the offending field; "body" for the whole body' }),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable code, e.g. VALIDATION_FAILED' }),
      message: z.string(),
      issues: z.array(FieldIssue).optional(),
    }),
  })
  .meta({
    id: 'ErrorBody',
    examples: [
      {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'level: must be an integer from 1 to 5',
          issues: [{ field: 'level', message: 'level: must be an integer from 1 to 5' }],
        },
      },
    ],
  });
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * Turn zod issues into field issues whose message starts with the field's name, so that a client
 * (or a person reading a log) always knows which field was wrong.
 */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const field = base ? `${base}.${key}` : key;
        return { field, message: `${field}: unknown field` };
      });
    }
    const field = base || 'body';
    return [{ field, message: `${field}: ${issue.message}` }];
  });
}
