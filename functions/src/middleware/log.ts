/**
 * Structured log lines. Callers pass only what is safe to keep: route, status, error names.
 * Never a request body, header, IP address, user agent or token (privacy invariant 3).
 */
export function log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, ...fields, time: new Date().toISOString() });
  if (level === 'error') console.error(line);
  else if (process.env.MANYI_QUIET !== '1') console.log(line);
}
