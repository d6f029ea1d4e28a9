import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/src/routes.js';
import { createGateway } from '../../infra/local/gateway.js';
import { ErrorBody } from '../../shared/src/contracts/errors.js';
import { SubmitRatingInput } from '../../shared/src/contracts/rating.js';
import { httpEvent } from '../support/http-events.js';
import { call, type Reply } from './fixtures.js';

/**
 * GET /api/openapi.json: the OpenAPI 3.1 document generated from the zod contracts, served by the
 * real handler. It needs no tables, so this file installs no runtime.
 */

type Json = Record<string, any>;

const gateway = createGateway();
let reply: Reply;
let doc: Json;

beforeAll(async () => {
  reply = await call(gateway, httpEvent('GET', '/api/openapi.json'));
  doc = reply.json;
});

/** Follow a local `$ref` as JSON Schema defines it: a JSON pointer from the root of the document. */
function pointer(root: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Json)[part] : undefined), root);
}

/**
 * The component's own schema, looking through a `$ref` either from the document root or into the
 * component's own `$defs`, so that the content checks below do not depend on how refs are laid out
 * (that is checked on its own).
 */
function componentSchema(name: string): Json {
  let schema: Json = doc.components.schemas[name];
  for (let hops = 0; schema?.$ref && hops < 5; hops++) {
    const ref = String(schema.$ref);
    schema = (pointer(doc, ref) ?? (ref.startsWith('#/$defs/') ? schema.$defs?.[ref.slice('#/$defs/'.length)] : undefined)) as Json;
  }
  return schema;
}

function refsIn(node: unknown, path = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => refsIn(item, `${path}/${i}`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [{ at: path, ref: value }] : refsIn(value, `${path}/${key}`),
  );
}

describe('GET /api/openapi.json', () => {
  it('returns 200 with an OpenAPI 3.1 document', () => {
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBeTypeOf('string');
    expect(doc.info.version).toBeTypeOf('string');
  });

  it('lists every route of the route table under paths, with its method, operationId and security', () => {
    for (const route of routes) {
      const operation = doc.paths?.[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toBe(route.operationId);
      expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
      if (route.auth === 'bearer') {
        expect(operation.security).toEqual([{ bearer: [] }]);
        expect(operation.responses['401']).toBeDefined();
      } else if (route.auth === 'client') {
        // A 接入系统 credential, its own scheme: a person's token is no credential there.
        expect(operation.security).toEqual([{ client: [] }]);
        expect(doc.components.securitySchemes.client).toMatchObject({ type: 'http', scheme: 'bearer' });
        expect(operation.responses['401']).toBeDefined();
      } else {
        expect(operation.security).toBeUndefined();
      }
      for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
        const param = operation.parameters.find((p: Json) => p.in === 'path' && `{${p.name}}` === name);
        expect(param?.required, `${route.path} declares ${name}`).toBe(true);
      }
    }
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods as Json).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents the submit-rating body: level 1–5, no additional properties, and examples that the contract accepts', () => {
    // Prepare
    const body = doc.paths['/api/public/ratings'].post.requestBody.content['application/json'].schema;
    const schema = componentSchema('SubmitRatingInput');

    // Assess
    expect(body.$ref).toBe('#/components/schemas/SubmitRatingInput');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['windowCode', 'level']));
    const level = schema.properties.level;
    if (level.enum) {
      expect([...level.enum].sort()).toEqual([1, 2, 3, 4, 5]);
    } else {
      expect(level).toMatchObject({ type: 'integer', minimum: 1, maximum: 5 });
    }
    expect(schema.properties.comment.maxLength).toBe(500);
    expect(schema.properties.reasons.items.enum).toContain('SLOW');
    expect(schema.examples.length).toBeGreaterThan(0);
    for (const example of schema.examples) expect(SubmitRatingInput.safeParse(example).success, JSON.stringify(example)).toBe(true);
    const idempotency = doc.paths['/api/public/ratings'].post.parameters.find((p: Json) => p.in === 'header');
    expect(idempotency).toMatchObject({ name: 'Idempotency-Key', required: false });
  });

  it('shows the error body with an example that names a field', () => {
    // Prepare
    const schema = componentSchema('ErrorBody');

    // Assess
    expect(schema.examples.length).toBeGreaterThan(0);
    for (const example of schema.examples) {
      expect(ErrorBody.safeParse(example).success).toBe(true);
      expect(example.error.message.startsWith(`${example.error.issues[0].field}:`)).toBe(true);
    }
    expect(componentSchema('LoginInput').examples.length).toBeGreaterThan(0);
    expect(componentSchema('RatingCreated').examples.length).toBeGreaterThan(0);
  });

  it('documents the query parameters of the satisfaction report (window, from, to), each required', () => {
    // Prepare
    const parameters: Json[] = doc.paths['/api/results/satisfaction'].get.parameters;

    // Assess
    const query = parameters.filter((p) => p.in === 'query').map((p) => [p.name, p.required]);
    expect(query.sort()).toEqual([
      ['from', true],
      ['to', true],
      ['window', true],
    ]);
  });

  it('has every $ref resolvable from the root of the document', () => {
    // Act
    const dangling = refsIn(doc).filter(({ ref }) => pointer(doc, ref) === undefined);

    // Assess
    expect(dangling).toEqual([]);
  });

  it('passes the OpenAPI 3.1 schema validator', async () => {
    // Prepare
    const validator = new Validator();

    // Act
    const result = await validator.validate(structuredClone(doc));

    // Assess
    expect(validator.version).toBe('3.1');
    expect(result).toEqual({ valid: true });
  });
});
