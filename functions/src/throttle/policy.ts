/**
 * The anti-stuffing limits (decision 0015-anti-stuffing), configurable per deployment
 * (functions/src/config.ts). The per-client limits are generous on purpose: a service hall's
 * Wi-Fi and a mobile carrier's NAT put many residents behind one address, so they stop a script,
 * not a hall.
 */
export interface ThrottlePolicy {
  /** At most one rating of a window per device within this many seconds (default 30 minutes). */
  ratingIntervalSeconds: number;
  /** Ratings per client (keyed address) per window of `clientWindowSeconds`. */
  ratingsPerClient: number;
  /** Failed logins per client, whatever the usernames, per window of `clientWindowSeconds`. */
  loginFailuresPerClient: number;
  /** Failed logins of one username from one client before that pair waits out the window. */
  loginFailuresPerPair: number;
  /**
   * Unknown ballot codes (票码) per client per window: 50-bit codes are not guessed in any number
   * of tries a limit lets through, and a meeting room's Wi-Fi puts every voter behind one address.
   */
  codeFailuresPerClient: number;
  clientWindowSeconds: number;
  /** Which client the limits count (config CLIENT_FROM). */
  clientFrom: 'source-ip' | 'forwarded-only';
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  ratingIntervalSeconds: 30 * 60,
  ratingsPerClient: 120,
  loginFailuresPerClient: 30,
  loginFailuresPerPair: 5,
  codeFailuresPerClient: 30,
  clientWindowSeconds: 15 * 60,
  clientFrom: 'source-ip',
};
