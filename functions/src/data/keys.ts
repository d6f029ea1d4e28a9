/**
 * Every key of the single table, in one place. See ACCESS_PATTERNS.md for the queries they serve.
 * Days are China-time YYYY-MM-DD strings, so a sort-key range on `DAY#` is a date range.
 */
export const keys = {
  unit: (unitId: string) => ({ pk: `UNIT#${unitId}`, sk: 'META' }),
  hall: (hallId: string) => ({ pk: `HALL#${hallId}`, sk: 'META' }),
  staff: (staffId: string) => ({ pk: `STAFF#${staffId}`, sk: 'META' }),
  window: (code: string) => ({ pk: `WINDOW#${code}`, sk: 'META' }),
  /** All windows, for the admin list (a single small partition until issue 3 adds per-unit lists). */
  windowListing: (code: string) => ({ pk: 'WINDOWS', sk: `WINDOW#${code}` }),
  account: (username: string) => ({ pk: `ACCOUNT#${username}`, sk: 'META' }),
  /** Raw ratings of one window on one China-time day; sk is the random rating id. */
  rating: (windowCode: string, day: string, ratingId: string) => ({ pk: `RATINGS#${windowCode}#${day}`, sk: `RATING#${ratingId}` }),
  ratingPartition: (windowCode: string, day: string) => `RATINGS#${windowCode}#${day}`,
  /** Running totals of one window on one China-time day. */
  windowDayTotals: (windowCode: string, day: string) => ({ pk: `TOTALS#WINDOW#${windowCode}`, sk: `DAY#${day}` }),
  windowTotalsPartition: (windowCode: string) => `TOTALS#WINDOW#${windowCode}`,
  idempotency: (keyHash: string) => ({ pk: `IDEMPOTENCY#${keyHash}`, sk: 'META' }),
  /** Contact store (own table): one encrypted phone number for one 回访. */
  contact: (contactId: string) => ({ pk: `CONTACT#${contactId}` }),
  seedMarker: () => ({ pk: 'SEED', sk: 'META' }),
} as const;
