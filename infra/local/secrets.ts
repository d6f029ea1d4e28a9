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
}

export function loadOrCreateSecrets(file: string | undefined): LocalSecrets {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  const secrets = { authSecret: randomBytes(32).toString('base64url'), contactKey: randomBytes(32).toString('base64') };
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets;
}
