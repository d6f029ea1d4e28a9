import { totpCode } from '../../functions/src/auth/totp.js';
import { DEMO_ACCOUNTS } from './seed.js';

/**
 * `npm run totp -- <username>`: the current 6-digit code of a LOCAL DEMO account, from its fixed
 * demo secret (infra/local/seed.ts). Only the demo accounts have a published secret; a real
 * account's secret is random, sealed, and lives only in its owner's authenticator app.
 */
const username = process.argv[2] ?? '';
const account = DEMO_ACCOUNTS.find((a) => a.username === username);
if (!account) {
  console.error(`usage: npm run totp -- <username>   (demo accounts: ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')})`);
  process.exit(2);
}
const now = new Date();
const left = 30 - (Math.floor(now.getTime() / 1000) % 30);
console.log(totpCode(account.totpSecret, now));
console.error(`(${account.username}: demo-only TOTP secret; this code is valid for about ${left} s more, and each code logs in once)`);
