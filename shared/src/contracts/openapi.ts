import { z } from 'zod';
import { operations, type Operation } from './api.js';

type JsonSchema = Record<string, unknown>;

/**
 * Build the OpenAPI 3.1 document from the operations table. OpenAPI 3.1 uses JSON Schema 2020-12,
 * which is what zod emits, so schemas are carried over unchanged; schemas with a meta id become
 * shared components.
 */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};

  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      override: (ctx) => {
        delete (ctx.jsonSchema as JsonSchema).$schema;
      },
    }) as JsonSchema;
    delete json.$schema;
    const id = z.globalRegistry.get(schema)?.id;
    if (!id) return json;
    components[id] = json;
    return { $ref: `#/components/schemas/${id}` };
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, op] of Object.entries(operations) as [string, Operation][]) {
    const parameters: unknown[] = [];
    if (op.params) {
      for (const [name, schema] of Object.entries(op.params.shape)) {
        parameters.push({ name, in: 'path', required: true, schema: schemaOf(schema as z.ZodType, 'input') });
      }
    }
    if (op.query) {
      const query = schemaOf(op.query, 'input');
      const resolved = (query.$ref ? components[String(query.$ref).split('/').pop()!] : query) as JsonSchema;
      const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((resolved.required ?? []) as string[]);
      for (const [name, schema] of Object.entries(properties)) {
        parameters.push({ name, in: 'query', required: required.has(name), schema });
      }
    }
    for (const [name, header] of Object.entries(op.headers ?? {})) {
      parameters.push({
        name,
        in: 'header',
        required: header.required,
        description: header.description,
        schema: schemaOf(header.schema, 'input'),
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      responses[status] = response.schema
        ? { description: response.description, content: { 'application/json': { schema: schemaOf(response.schema, 'output') } } }
        : { description: response.description };
    }
    const operation: Record<string, unknown> = {
      operationId,
      summary: op.summary,
      tags: [op.tag],
      parameters,
      responses,
    };
    if (op.description) operation.description = op.description;
    if (op.auth === 'bearer') operation.security = [{ bearer: [] }];
    if (op.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(op.body, 'input') } },
      };
    }
    paths[op.path] = { ...(paths[op.path] ?? {}), [op.method.toLowerCase()]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Manyi (满意) API',
      version,
      description: 'Satisfaction and appraisal platform for public-service agencies. All days are China time (Asia/Shanghai).',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
