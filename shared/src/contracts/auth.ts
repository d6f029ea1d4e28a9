import * as z from 'zod';
import { text } from './text.js';

export const LoginInput = z
  .strictObject({
    // Looked up as sent (never trimmed), but still text: a NUL or a lone surrogate is no one's username.
    username: text({ min: 1, max: 64, trim: false }),
    // Any character may be part of a password; the policy is the use case's.
    password: z.string().min(1, { error: 'is required' }).max(256),
  })
  .meta({ id: 'LoginInput', examples: [{ username: 'admin', password: 'Manyi-demo-2026' }] });
export type LoginInput = z.infer<typeof LoginInput>;

export const Role = z.enum(['system-admin', 'unit-admin', 'committee', 'staff', 'auditor']);
export type Role = z.infer<typeof Role>;

/**
 * The actions of the access matrix (functions/src/access/permissions.ts says which roles may take
 * each; docs/access-matrix.md is generated from it). Named here so that the API can tell the web
 * what a session may do, and the web shows only those sections: one rule, enforced by the API.
 */
export const Permission = z.enum([
  'results:read',
  'reports:export',
  'comments:read',
  'reports:own',
  'definitions:manage',
  'org:read',
  'org:write',
  'accounts:manage',
  'audit:read',
  'integrations:manage',
  'sampling:manage',
  'appraisal:manage',
  'appraisal:read',
  'appraisal:grade',
  'cases:read',
  'cases:work',
  'cases:review',
  'accountability:write',
  'accountability:decide',
]);
export type Permission = z.infer<typeof Permission>;

/** Who is signed in, as the admin shell shows it (GET /api/auth/session). */
export const SessionView = z
  .object({
    username: z.string(),
    displayName: z.string(),
    role: Role,
    unit: z.object({ id: z.string(), name: z.string() }).meta({ description: 'The scope: this unit and everything under it' }),
    permissions: z.array(Permission).meta({ description: 'What the role may do (docs/access-matrix.md); the API checks each request itself' }),
  })
  .meta({
    id: 'Session',
    examples: [
      {
        username: 'pingyi',
        displayName: '考核委员会委员',
        role: 'committee',
        unit: { id: 'jn-qh-lj', name: '临江县' },
        permissions: ['results:read', 'reports:export', 'comments:read', 'org:read'],
      },
    ],
  });
export type SessionView = z.infer<typeof SessionView>;

export const LoginOutput = z
  .object({
    token: z.string().meta({ description: 'Bearer token (JWT) for the Authorization header' }),
    expiresAt: z.string().meta({ description: 'UTC instant after which the token is refused' }),
    account: z.object({ username: z.string(), displayName: z.string(), role: Role, unitId: z.string() }),
  })
  .meta({
    id: 'LoginOutput',
    examples: [
      {
        token: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic3lzdGVtLWFkbWluIn0.c2lnbmF0dXJl',
        expiresAt: '2026-11-22T10:00:00.000Z',
        account: { username: 'admin', displayName: '系统管理员', role: 'system-admin', unitId: 'jn-qh-lj' },
      },
    ],
  });
export type LoginOutput = z.infer<typeof LoginOutput>;
