import type { OperationId } from '#shared/contracts/api.js';
import type { TableAccess } from '../constructs/manyi-table.js';

/** What one route's Lambda may touch. Everything not listed here is denied. */
export interface RouteAccess {
  ops: TableAccess;
  /** The contact store (phone numbers). Only the rating writer may put; nothing reads it. */
  contacts: Extract<TableAccess, 'none' | 'put-only'>;
  /** kms:Encrypt on the contact-sealing key; never Decrypt. */
  sealContacts: boolean;
  /** MiB; default 256. */
  memorySize?: number;
}

const NOTHING: RouteAccess = { ops: 'none', contacts: 'none', sealContacts: false };
const READ_OPS: RouteAccess = { ops: 'read', contacts: 'none', sealContacts: false };

/**
 * Least privilege per operation. Keyed by OperationId so that a new operation does not compile
 * until someone decides what its Lambda may do.
 */
export const ROUTE_ACCESS: Record<OperationId, RouteAccess> = {
  health: NOTHING,
  openapi: NOTHING,
  getWindowCard: READ_OPS,
  // Reads the window and the idempotency record, then one transaction: rating + totals (ops) and,
  // with consent, the sealed contact (contacts, PutItem only).
  submitRating: { ops: 'read-write', contacts: 'put-only', sealContacts: true },
  // In AWS (AUTH_MODE=cognito) sign-in is Cognito's InitiateAuth, an unauthenticated Cognito API:
  // no table, no scrypt (local accounts and their 128 MiB scrypt hashes exist only locally).
  login: NOTHING,
  listWindows: READ_OPS,
  satisfaction: READ_OPS,
};
