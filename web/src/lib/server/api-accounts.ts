import type { z } from 'zod';
import { operations } from '#shared/contracts/api.js';
import {
  AccountList,
  AccountView,
  AuditPageView,
  LoginAnswer,
  LoginSuccess,
  TotpEnrollment,
  type AccountCreateInput,
  type AccountPasswordResetInput,
  type AccountUpdateInput,
  type AuditExportQuery,
  type AuditQuery,
} from '#shared/contracts/accounts-schemas.js';
import { LoggedOut, TotpEnrolled } from '#shared/contracts/ops-accounts.js';
import { SessionView, type LoginInput } from '#shared/contracts/auth.js';
import { ErrorBody } from '#shared/contracts/errors.js';
import { call, fillPath, type ApiResult } from './api';
import { webConfig } from './config';

/** Client functions of the accounts capability (login with TOTP, accounts, audit log). */

/** `requester`: the forwarded client (server/requester.ts), for the per-client login limits. */
export function login(input: LoginInput, requester: Record<string, string> = {}): Promise<ApiResult<LoginAnswer>> {
  const op = operations.login;
  return call(LoginAnswer, { method: op.method, path: op.path, body: input, headers: requester });
}

export function loginTotp(challenge: string, code: string): Promise<ApiResult<LoginSuccess>> {
  const op = operations.loginTotp;
  return call(LoginSuccess, { method: op.method, path: op.path, body: { challenge, code } });
}

/** Who is signed in and what the role may do (the admin shell). */
export function getSession(token: string): Promise<ApiResult<SessionView>> {
  const op = operations.getSession;
  return call(SessionView, { method: op.method, path: op.path, token });
}

/** End every session of the caller's account (the API refuses older tokens from then on). */
export function logout(token: string): Promise<ApiResult<z.infer<typeof LoggedOut>>> {
  const op = operations.logout;
  return call(LoggedOut, { method: op.method, path: op.path, token });
}

export function startTotpEnrollment(token: string): Promise<ApiResult<TotpEnrollment>> {
  const op = operations.startTotpEnrollment;
  return call(TotpEnrollment, { method: op.method, path: op.path, token });
}

export function confirmTotpEnrollment(token: string, code: string): Promise<ApiResult<z.infer<typeof TotpEnrolled>>> {
  const op = operations.confirmTotpEnrollment;
  return call(TotpEnrolled, { method: op.method, path: op.path, token, body: { code } });
}

export function listAccounts(token: string): Promise<ApiResult<AccountList>> {
  const op = operations.listAccounts;
  return call(AccountList, { method: op.method, path: op.path, token });
}

export function createAccount(token: string, input: AccountCreateInput): Promise<ApiResult<AccountView>> {
  const op = operations.createAccount;
  return call(AccountView, { method: op.method, path: op.path, token, body: input });
}

export function resetAccountPassword(token: string, username: string, input: AccountPasswordResetInput): Promise<ApiResult<AccountView>> {
  const op = operations.resetAccountPassword;
  return call(AccountView, { method: op.method, path: fillPath(op.path, { username }), token, body: input });
}

/** PATCH is outside `call`'s methods: the same contract, sent with fetch directly. */
export async function updateAccount(token: string, username: string, input: AccountUpdateInput): Promise<ApiResult<AccountView>> {
  const op = operations.updateAccount;
  const response = await raw(op.method, fillPath(op.path, { username }), token, input);
  if (!response) return unreachable();
  const json: unknown = await response.json().catch(() => undefined);
  if (response.ok) {
    const parsed = AccountView.safeParse(json);
    return parsed.success ? { ok: true, status: response.status, data: parsed.data } : { ok: false, status: 502, error: { error: { code: 'BAD_API_RESPONSE', message: 'outside contract' } } };
  }
  const error = ErrorBody.safeParse(json);
  return { ok: false, status: response.status, error: error.success ? error.data : { error: { code: `HTTP_${response.status}`, message: 'request failed' } } };
}

export function listAudit(token: string, query: AuditQuery): Promise<ApiResult<AuditPageView>> {
  const op = operations.listAudit;
  return call(AuditPageView, { method: op.method, path: op.path, token, query: stringQuery(query) });
}

/** The CSV as the API sends it (bytes and headers passed through), or the failed status. */
export async function exportAudit(token: string, query: AuditExportQuery): Promise<Response | { status: number }> {
  const op = operations.exportAudit;
  const response = await raw(op.method, `${op.path}?${new URLSearchParams(stringQuery(query))}`, token);
  return response ?? { status: 503 };
}

function stringQuery(query: object): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
}

async function raw(method: string, path: string, token: string, body?: unknown): Promise<Response | undefined> {
  try {
    return await fetch(`${webConfig().API_BASE_URL}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return undefined;
  }
}

function unreachable<T>(): ApiResult<T> {
  return { ok: false, status: 503, error: { error: { code: 'API_UNREACHABLE', message: 'the API could not be reached' } } };
}
