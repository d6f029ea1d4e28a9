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
  auth: 'none' | 'bearer';
  params?: z.ZodObject;
  query?: z.ZodType;
  headers?: Record<string, { schema: z.ZodType; description: string; required: boolean }>;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

