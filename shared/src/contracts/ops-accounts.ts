import * as z from 'zod';
import {
  AccountCreateInput,
  AccountList,
  AccountParams,
  AccountPasswordResetInput,
  AccountUpdateInput,
  AccountView,
  AuditExportQuery,
  AuditPageView,
  AuditQuery,
  LoginSuccess,
  LoginTotpInput,
  TotpConfirmInput,
  TotpEnrollment,
} from './accounts-schemas.js';
import { SessionView } from './auth.js';
import { ErrorBody } from './errors.js';
import { badRequest, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from './responses.js';
import type { Operation } from './operation.js';

const forbidden = forbiddenTo('do this', 'refusal audited');
const notFound = noSuch('account');

export const TotpEnrolled = z.object({ enrolled: z.literal(true) }).meta({ id: 'TotpEnrolled' });
export const LoggedOut = z.object({ loggedOut: z.literal(true) }).meta({ id: 'LoggedOut' });

/** Operations of the administration capability: accounts, roles, second factor, audit log (账号、角色、审计日志). */
export const accountOperations = {
  loginTotp: {
    method: 'POST',
    path: '/api/auth/login/totp',
    summary: 'Second step of a login: the challenge from POST /api/auth/login and a TOTP code',
    description: 'A code is accepted once; wrong codes count towards the lockout (5 failures in 15 minutes lock the username for 15 minutes).',
    tag: 'auth',
    auth: 'none',
    body: LoginTotpInput,
    responses: {
      200: { description: 'Logged in', schema: LoginSuccess },
      400: badRequest,
      401: { description: 'Wrong or reused code, or an expired challenge', schema: ErrorBody },
      429: { description: 'Locked out after repeated failures', schema: ErrorBody },
    },
  },
  getSession: {
    method: 'GET',
    path: '/api/auth/session',
    summary: 'Who is signed in: name, role, scope and what the role may do (the admin shell’s header and navigation)',
    description: 'What the web shows; every other route still checks the caller itself. Not audited: it reveals the caller only to the caller.',
    tag: 'auth',
    auth: 'bearer',
    responses: {
      200: { description: 'The session', schema: SessionView },
      401: unauthorized,
    },
  },
  logout: {
    method: 'POST',
    path: '/api/auth/logout',
    summary: "End the caller's sessions: every token of this account issued before stops working",
    description:
      'Local mode: the account’s session version goes up, and the API refuses older tokens within seconds (401). ' +
      'An enrollment-only token may log out too.',
    tag: 'auth',
    auth: 'bearer',
    responses: {
      200: { description: 'Logged out', schema: LoggedOut },
      401: unauthorized,
    },
  },
  startTotpEnrollment: {
    method: 'POST',
    path: '/api/auth/totp/enrollment',
    summary: "Start enrolling the caller's TOTP second factor: a new secret and its otpauth:// URI",
    tag: 'auth',
    auth: 'bearer',
    responses: {
      200: { description: 'The secret (shown once) and its URI', schema: TotpEnrollment },
      401: unauthorized,
      409: { description: 'A second factor is already enrolled', schema: ErrorBody },
    },
  },
  confirmTotpEnrollment: {
    method: 'POST',
    path: '/api/auth/totp/enrollment/confirm',
    summary: 'Finish enrollment with a code from the new secret',
    tag: 'auth',
    auth: 'bearer',
    body: TotpConfirmInput,
    responses: {
      200: { description: 'Enrolled; later logins ask for a code', schema: TotpEnrolled },
      400: badRequest,
      401: unauthorized,
      409: { description: 'No enrollment in progress', schema: ErrorBody },
    },
  },
  listAccounts: {
    method: 'GET',
    path: '/api/accounts',
    summary: 'Every account (system admin only)',
    tag: 'accounts',
    auth: 'bearer',
    responses: { 200: { description: 'Accounts', schema: AccountList }, 401: unauthorized, 403: forbidden },
  },
  createAccount: {
    method: 'POST',
    path: '/api/accounts',
    summary: 'Create an account with one role and a unit scope (system admin only)',
    description:
      'Password policy: at least 12 characters, 3 of 4 classes (lower, upper, digit, other), not containing the username. ' +
      'One person (personId) never holds both a system-admin and an auditor account.',
    tag: 'accounts',
    auth: 'bearer',
    body: AccountCreateInput,
    responses: {
      201: { description: 'Created', schema: AccountView },
      400: badRequest,
      401: unauthorized,
      403: forbidden,
      409: { description: 'Username taken, or separation of duties violated', schema: ErrorBody },
    },
  },
  updateAccount: {
    method: 'PATCH',
    path: '/api/accounts/{username}',
    summary: 'Change display name, role, unit scope or disabled status (system admin only; not your own role, scope or status)',
    tag: 'accounts',
    auth: 'bearer',
    params: AccountParams,
    body: AccountUpdateInput,
    responses: {
      200: { description: 'Changed', schema: AccountView },
      400: badRequest,
      401: unauthorized,
      403: forbidden,
      404: notFound,
      409: { description: 'Separation of duties violated', schema: ErrorBody },
    },
  },
  resetAccountPassword: {
    method: 'POST',
    path: '/api/accounts/{username}/password',
    summary: 'Set a new password (and optionally reset the second factor) of an account (system admin only)',
    tag: 'accounts',
    auth: 'bearer',
    params: AccountParams,
    body: AccountPasswordResetInput,
    responses: { 200: { description: 'Reset', schema: AccountView }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound },
  },
  listAudit: {
    method: 'GET',
    path: '/api/audit',
    summary: 'Audit log entries by China-time day range, actor and action, newest first (auditor only)',
    tag: 'accounts',
    auth: 'bearer',
    query: AuditQuery,
    responses: { 200: { description: 'One page of entries', schema: AuditPageView }, 400: badRequest, 401: unauthorized, 403: forbidden },
  },
  exportAudit: {
    method: 'GET',
    path: '/api/audit/export',
    summary: 'The matching audit entries as CSV (UTF-8 with BOM, formula cells neutralised); the export is itself audited (auditor only)',
    tag: 'accounts',
    auth: 'bearer',
    query: AuditExportQuery,
    responses: { 200: { description: 'text/csv' }, 400: badRequest, 401: unauthorized, 403: forbidden },
  },
} as const satisfies Record<string, Operation>;
