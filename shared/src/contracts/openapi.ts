import * as z from 'zod';
import { operations, type Operation } from './api.js';

type JsonSchema = Record<string, unknown>;

const componentRef = (id: string) => `#/components/schemas/${id}`;

/**
 * Build the OpenAPI 3.1 document from the operations table. OpenAPI 3.1 uses JSON Schema 2020-12,
 * which is what zod emits. Every schema an operation uses carries a meta `id`; zod converts the
 * whole registry at once with references pointing at `#/components/schemas/{id}`, so nested
 * shared schemas (RateResult inside SatisfactionResult, …) resolve from the document root.
 */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const idOf = (schema: z.ZodType): string => {
    const id = z.globalRegistry.get(schema)?.id;
    if (!id) throw new Error('every schema used by an operation needs a meta id');
    return id;
  };
  const converted = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', uri: componentRef });
  const components: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(converted.schemas)) {
    const { $schema: _drop, $id: _id, ...rest } = schema as JsonSchema;
    components[id] = rest;
  }
  const ref = (schema: z.ZodType) => ({ $ref: componentRef(idOf(schema)) });
  const propertiesOf = (schema: z.ZodType) => {
    const json = components[idOf(schema)]!;
    return {
      properties: (json.properties ?? {}) as Record<string, JsonSchema>,
      required: new Set((json.required ?? []) as string[]),
    };
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, op] of Object.entries(operations) as [string, Operation][]) {
    const parameters: unknown[] = [];
    if (op.params) {
      for (const [name, schema] of Object.entries(propertiesOf(op.params).properties)) {
        parameters.push({ name, in: 'path', required: true, schema });
      }
    }
    if (op.query) {
      const { properties, required } = propertiesOf(op.query);
      for (const [name, schema] of Object.entries(properties)) parameters.push({ name, in: 'query', required: required.has(name), schema });
    }
    for (const [name, header] of Object.entries(op.headers ?? {})) {
      parameters.push({ name, in: 'header', required: header.required, description: header.description, schema: ref(header.schema) });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      responses[status] = response.schema
        ? { description: response.description, content: { 'application/json': { schema: ref(response.schema) } } }
        : { description: response.description };
    }
    const operation: Record<string, unknown> = { operationId, summary: op.summary, tags: [op.tag], parameters, responses };
    if (op.description) operation.description = op.description;
    if (op.auth === 'bearer') operation.security = [{ bearer: [] }];
    if (op.auth === 'client') operation.security = [{ client: [] }];
    if (op.body) operation.requestBody = { required: true, content: { 'application/json': { schema: ref(op.body) } } };
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
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        client: { type: 'http', scheme: 'bearer', bearerFormat: 'mc1.{clientId}.{secret}', description: 'A 接入系统 credential (POST /api/integration-clients)' },
      },
    },
  };
}
