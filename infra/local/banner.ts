/** What `npm start` prints once the stack runs: where everything is, for the port it serves on. */
export interface BannerInput {
  /** The address the local server answers on, e.g. http://localhost:3000 (honours PORT). */
  base: string;
  /** A few demo windows to rate (the README lists the same ones). */
  windows: readonly { code: string; name: string }[];
  /** The admin demo accounts (second factor: `npm run totp -- <username>`). */
  accounts: readonly { username: string; password: string; displayName: string }[];
  /** The staff demo account, who sees their own totals at /me. */
  staffAccount: { username: string; password: string };
  dataDir: string;
  /** Where posters' QR codes point (PUBLIC_BASE_URL, by default `base`). */
  publicBaseUrl: string;
}

/** The banner, one label column wide (11 characters) so the addresses line up. */
export function startBanner({ base, windows, accounts, staffAccount, dataDir, publicBaseUrl }: BannerInput): string {
  const row = (label: string, text: string) => `  ${(label ? `${label}:` : '').padEnd(11)}${text}`;
  return `
满意 Manyi is running at ${base}

  Resident pages (scan-a-QR flow), e.g.:
${windows.map((w) => `    ${base}/w/${w.code}   ${w.name}`).join('\n')}
    ${base}/m   投诉信箱 (write to a unit; 临江县 also has a 一把手信箱)
${row('Admin', `${base}/login   ${accounts.map((a) => `${a.username} / ${a.password} (${a.displayName})`).join('; ')}`)}
${row('', `then the 6-digit code: npm run totp -- ${accounts[0]?.username ?? 'admin'}   (fixed demo-only TOTP secrets, see the README)`)}
${row('Reports', `${base}/admin/reports   ${base}/admin/reports/comments   (after the admin login)`)}
${row('Verify', `${base}/verify   (check an exported report file)`)}
${row('Staff', `${base}/me   ${staffAccount.username} / ${staffAccount.password} (own totals, no second factor)`)}
${row('API', `${base}/api/health   ${base}/api/openapi.json`)}
${row('Data', `${dataDir} (delete it to start from a fresh demo county)`)}
${row('Posters', `QR codes point at ${publicBaseUrl} (PUBLIC_BASE_URL: set it to an address residents' phones can reach)`)}

Press Ctrl-C to stop.`;
}
