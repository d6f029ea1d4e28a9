import { chinaDay } from '#shared/domain/china-time.js';
import { localDayKey } from './mac.js';

/**
 * Where the day keys of the anti-stuffing hashes come from (shared/src/domain/client-key.ts):
 * locally an HMAC of the configured root key, in AWS KMS GenerateMac over an HMAC_256 key (the
 * root never leaves KMS). A key is derived once per day and process.
 */
export interface ClientKeyring {
  dayKey(day: string): Promise<Buffer>;
}

export function localKeyring(root: Buffer): ClientKeyring {
  return { dayKey: async (day) => localDayKey(root, day) };
}

/** Remembers the last few days' keys, so a KMS keyring is called about once a day per process. */
export function cachedKeyring(keyring: ClientKeyring): ClientKeyring {
  const cache = new Map<string, Promise<Buffer>>();
  return {
    dayKey(day) {
      let found = cache.get(day);
      if (!found) {
        found = keyring.dayKey(day);
        found.catch(() => cache.delete(day));
        cache.set(day, found);
        if (cache.size > 3) cache.delete(cache.keys().next().value!);
      }
      return found;
    },
  };
}

const derived = new WeakMap<ClientKeyring, Map<string, Promise<Buffer>>>();

/**
 * The keyring's key under a fixed label (never a China-time day, so never one of the day keys),
 * derived once per keyring and label in a process; a failed derivation is forgotten and tried again.
 */
export function derivedKey(keyring: ClientKeyring, label: string): Promise<Buffer> {
  let keys = derived.get(keyring);
  if (!keys) derived.set(keyring, (keys = new Map()));
  let key = keys.get(label);
  if (!key) {
    const byLabel = keys;
    key = keyring.dayKey(label);
    key.catch(() => byLabel.delete(label));
    keys.set(label, key);
  }
  return key;
}

/** Today's key first, then yesterday's (a forwarded client computed just before midnight still holds). */
export async function currentKeys(keyring: ClientKeyring, now: Date): Promise<[Buffer, Buffer]> {
  const yesterday = new Date(now.getTime() - 86_400_000);
  return Promise.all([keyring.dayKey(chinaDay(now)), keyring.dayKey(chinaDay(yesterday))]);
}
