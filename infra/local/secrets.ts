import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Local secrets (token signing secret, contact-store key): generated on the first start and kept
 * in the data folder (ignored by git), so that a restart can still read old contacts and tokens.
 */
export interface LocalSecrets {
  authSecret: string;
  contactKey: string;
  /** Root of the anti-stuffing day keys, shared by the API and the web server (decision 0015). */
  clientKey: string;
}

export function loadOrCreateSecrets(file: string | undefined): LocalSecrets {
  const stored = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : undefined;
  // A data folder from before a secret existed gets the missing one added; the others are kept.
  if (stored?.authSecret && stored.contactKey && stored.clientKey) return stored as LocalSecrets;
  const secrets: LocalSecrets = {
    authSecret: stored?.authSecret ?? randomBytes(32).toString('base64url'),
    contactKey: stored?.contactKey ?? randomBytes(32).toString('base64'),
    clientKey: stored?.clientKey ?? randomBytes(32).toString('base64'),
  };
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
