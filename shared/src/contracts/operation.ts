import type { z } from 'zod';

/**
 * Every operation of the public API: method, path, inputs and outputs. The route table
 * (functions/src/routes.ts), the OpenAPI document and the web client are all derived from this.
 */
export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway style path, parameters in braces. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** none: public; bearer: a signed-in person (JWT); client: a 接入系统 credential (mc1.{clientId}.{secret}). */
  auth: 'none' | 'bearer' | 'client';
  params?: z.ZodObject;
  query?: z.ZodType;
  headers?: Record<string, { schema: z.ZodType; description: string; required: boolean }>;
  body?: z.ZodType;
  /**
   * A JSON body may be larger than the usual 16 KB (functions/src/middleware/json-body.ts): at
   * most `maxBytes`; the 413 past it ends with `otherwise`, what to do instead.
   */
  largeBody?: { maxBytes: number; otherwise: string };
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

