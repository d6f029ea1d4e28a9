/**
 * Every key of the single table, in one place. See ACCESS_PATTERNS.md for the queries they serve.
 * Days are China-time YYYY-MM-DD strings, so a sort-key range on `DAY#` is a date range.
 */
export const keys = {
  unit: (unitId: string) => ({ pk: `UNIT#${unitId}`, sk: 'META' }),
  hall: (hallId: string) => ({ pk: `HALL#${hallId}`, sk: 'META' }),
  /** Halls of one unit (服务大厅): a copy of each hall under its unit, so a unit's list is one Query. */
  hallListing: (unitId: string, hallId: string) => ({ pk: `HALLSOF#${unitId}`, sk: `HALL#${hallId}` }),
  hallListingPartition: (unitId: string) => `HALLSOF#${unitId}`,
  staff: (staffId: string) => ({ pk: `STAFF#${staffId}`, sk: 'META' }),
  window: (code: string) => ({ pk: `WINDOW#${code}`, sk: 'META' }),
  /**
   * Org tree (issue 3), GSI `bySubtree`: units and windows carry `treeKey = TREE#{rootId}` and
   * `subtreeKey = U#{path ids joined by /}/` (unit) or `W#{unit path}/#{code}` (window), so a
   * subtree is one `begins_with` query. GSI `unitsByParent`: `parentKey = PARENT#{parentId|ROOT}`.
   */
  treeKey: (rootUnitId: string) => `TREE#${rootUnitId}`,
  unitSubtreeKey: (path: readonly string[]) => `U#${path.join('/')}/`,
  windowSubtreePrefix: (path: readonly string[]) => `W#${path.join('/')}/`,
  windowSubtreeKey: (path: readonly string[], code: string) => `W#${path.join('/')}/#${code}`,
  parentKey: (parentId: string | null) => `PARENT#${parentId ?? 'ROOT'}`,
  /** Staff of one unit by 工号: the listing item doubles as the uniqueness claim of the staffNo. */
  staffListing: (unitId: string, staffNo: string) => ({ pk: `STAFFOF#${unitId}`, sk: `STAFFNO#${staffNo}` }),
  staffListingPartition: (unitId: string) => `STAFFOF#${unitId}`,
  /** A staff member's photo (≤ 200 KB image, base64), next to the record but read only on demand. */
  staffPhoto: (staffId: string) => ({ pk: `STAFF#${staffId}`, sk: 'PHOTO' }),
  account: (username: string) => ({ pk: `ACCOUNT#${username}`, sk: 'META' }),
  /** Listing of every account (accounts capability): public fields only, no hash, no secret. */
  accountListing: (username: string) => ({ pk: 'ACCOUNTS', sk: `ACCOUNT#${username}` }),
  accountListingPartition: () => 'ACCOUNTS',
  /** Failed-login counter per username tried, whether or not an account exists (no enumeration). */
  loginThrottle: (username: string) => ({ pk: `LOGIN_THROTTLE#${username}`, sk: 'META' }),
  /**
   * Anti-stuffing (decision 0015): a fixed-window counter of a keyed hash (client, client+username)
   * and the one-rating-per-interval slot of a device at a window. Keys are HMACs under a day key,
   * never an address or a device id; every item expires within the hour (TTL `expiresAt`).
   */
  throttleCounter: (key: string, windowStart: number) => ({ pk: `THROTTLE#${key}`, sk: `W#${windowStart}` }),
  deviceSlot: (slot: string) => ({ pk: `SLOT#${slot}`, sk: 'META' }),
  /**
   * Burst detector (decision 0016): a window's rating count per hour (hour index since the epoch,
   * zero-padded so a sort-key range is an hour range; gone within a day) and its usual rate per
   * hour of the week.
   */
  burstHour: (windowCode: string, hour: number) => ({ pk: `BURST#${windowCode}`, sk: `H#${String(hour).padStart(9, '0')}` }),
  burstBaseline: (windowCode: string) => ({ pk: `BURST#${windowCode}`, sk: 'BASE' }),
  burstPartition: (windowCode: string) => `BURST#${windowCode}`,
  /** Raw ratings of one window on one China-time day; sk is the random rating id. */
  rating: (windowCode: string, day: string, ratingId: string) => ({ pk: `RATINGS#${windowCode}#${day}`, sk: `RATING#${ratingId}` }),
  ratingPartition: (windowCode: string, day: string) => `RATINGS#${windowCode}#${day}`,
  /**
   * Running totals of one window on one China-time day, one item per channel
   * (docs/decisions/0018-totals-per-channel.md). Channel names are `[a-z][a-z0-9-]*`
   * (window-day-counters.ts), so every one sorts below `~` (see windowTotalsDays).
   */
  windowDayTotals: (windowCode: string, day: string, channel: string) => ({ pk: `TOTALS#WINDOW#${windowCode}`, sk: `DAY#${day}#${channel}` }),
  /** The combined item of every channel written before 0018: still read, migrated by `npm run recount`, never written. */
  legacyWindowDayTotals: (windowCode: string, day: string) => ({ pk: `TOTALS#WINDOW#${windowCode}`, sk: `DAY#${day}` }),
  /**
   * Sort-key bounds of the totals of days `from` … `to`, both layouts, for one Query: `DAY#{from}`
   * is the lowest key of the first day (its legacy item; its channel items follow), and `DAY#{to}#~`
   * is above `DAY#{to}#{channel}` for every channel name (all characters below `~`, U+007E) and
   * below `DAY#{to + 1}` (the days differ before the `#`).
   */
  windowTotalsDays: (from: string, to: string) => ({ from: `DAY#${from}`, to: `DAY#${to}#~` }),
  windowTotalsPartition: (windowCode: string) => `TOTALS#WINDOW#${windowCode}`,
  /**
   * Rollups (decision 0031), kept from the stream of the window-day items: a window's month beside
   * its days (`MONTH#` sorts after every `DAY#`, so a day-range Query never reads one), and a
   * unit's own windows by month and by day. `{channel}` as the source item's; none for a legacy
   * combined source item.
   */
  windowMonthTotals: (windowCode: string, month: string, channel?: string) => ({ pk: `TOTALS#WINDOW#${windowCode}`, sk: `MONTH#${month}${channel ? `#${channel}` : ''}` }),
  unitMonthTotals: (unitId: string, month: string, channel?: string) => ({ pk: `TOTALS#UNIT#${unitId}`, sk: `MONTH#${month}${channel ? `#${channel}` : ''}` }),
  unitDayTotals: (unitId: string, day: string, channel?: string) => ({ pk: `TOTALS#UNIT#${unitId}`, sk: `DAY#${day}${channel ? `#${channel}` : ''}` }),
  /** A unit's own windows over a calendar year, with its counts split by month (decision 0031). */
  unitYearTotals: (unitId: string, year: string, channel?: string) => ({ pk: `TOTALS#UNIT#${unitId}`, sk: `YEAR#${year}${channel ? `#${channel}` : ''}` }),
  unitTotalsPartition: (unitId: string) => `TOTALS#UNIT#${unitId}`,
  /** Sort-key bounds of years `from` … `to` (YYYY), every channel. */
  totalsYears: (from: string, to: string) => ({ from: `YEAR#${from}`, to: `YEAR#${to}#~` }),
  /** Sort-key bounds of months `from` … `to` (YYYY-MM), every channel: as windowTotalsDays. */
  totalsMonths: (from: string, to: string) => ({ from: `MONTH#${from}`, to: `MONTH#${to}#~` }),
  idempotency: (keyHash: string) => ({ pk: `IDEMPOTENCY#${keyHash}`, sk: 'META' }),
  /** Contact store (own table): one encrypted phone number for one 回访. */
  contact: (contactId: string) => ({ pk: `CONTACT#${contactId}` }),
  seedMarker: () => ({ pk: 'SEED', sk: 'META' }),
  /**
   * 接入系统 (issue 13): a business system's client record (its secret's hash only) and its copy in
   * the unit's listing, written together.
   */
  integrationClient: (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'META' }),
  integrationClientListing: (unitId: string, clientId: string) => ({ pk: `CLIENTSOF#${unitId}`, sk: `CLIENT#${clientId}` }),
  integrationClientListingPartition: (unitId: string) => `CLIENTSOF#${unitId}`,
  /**
   * 办件 (issue 13): the record by unit and 办件编号 (its existence is the projNo claim) and its copy in
   * the unit's month listing, ordered by finishing time (a round's frame reads a unit's months).
   */
  serviceRecord: (unitId: string, projNo: string) => ({ pk: `SREC#${unitId}#${projNo}`, sk: 'META' }),
  serviceRecordListing: (unitId: string, month: string, finishedAt: string, projNo: string) => ({ pk: `SRECS#${unitId}#${month}`, sk: `${finishedAt}#${projNo}` }),
  serviceRecordListingPartition: (unitId: string, month: string) => `SRECS#${unitId}#${month}`,
  /** 民主评议 campaigns (issue 14 §1): the campaign, and its copy in the unit's listing. */
  campaign: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'META' }),
  campaignListing: (unitId: string, campaignId: string) => ({ pk: `CAMPAIGNSOF#${unitId}`, sk: `CAMPAIGN#${campaignId}` }),
  campaignListingPartition: (unitId: string) => `CAMPAIGNSOF#${unitId}`,
  /** A round's tally, counted once at 已截止 → 已计票 (gzipped JSON: 200 subjects × 5 groups would crowd an item). */
  campaignTally: (campaignId: string, round: number) => ({ pk: `CTALLY#${campaignId}`, sk: `R#${round}` }),
  /** The committee's final grade (组织评定) of one subject in one round: one item each, so that graders never overwrite each other. */
  campaignGrade: (campaignId: string, round: number, subjectId: string) => ({ pk: `CGRADE#${campaignId}`, sk: `R#${round}#${subjectId}` }),
  campaignGradesOfRound: (campaignId: string, round: number) => ({ pk: `CGRADE#${campaignId}`, prefix: `R#${round}#` }),
  /**
   * 差评 cases (issue 15, decision 0028): the case (its id is its rating's), and its place in its
   * unit's queue and its window's, sorted by state, then due day — moved when the state changes.
   */
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'META' }),
  caseQueuePartition: (unitId: string) => `CASES#${unitId}`,
  caseWindowPartition: (windowCode: string) => `CASESW#${windowCode}`,
  /** 一把手信箱 (decision 0029): the letters addressed to a unit's head, by username. */
  caseAddressedPartition: (username: string) => `CASESA#${username}`,
  /** The mailbox setting of a unit: who its head (一把手) is. */
  mailboxSettings: (unitId: string) => ({ pk: `MAILBOX#${unitId}`, sk: 'META' }),
  /** A notice of the accountability register (问责台账): the partition of its year, sorted by its unit's path. */
  accountabilityRecord: (year: number, sort: string) => ({ pk: `ACCT#${year}`, sk: sort }),
  /** A committee's decision on an accountability proposal: the partition of its month, one per rule and subject. */
  accountabilityDecision: (month: string, rule: string, subjectType: string, subjectId: string) => ({ pk: `ACCTP#${month}`, sk: `${rule}#${subjectType}#${subjectId}` }),
  accountabilityDecisionPartition: (month: string) => `ACCTP#${month}`,
  /** A unit's own 差评 deadlines (working days per kind), when it set them. */
  caseDeadlines: (unitId: string) => ({ pk: `CASEDL#${unitId}`, sk: 'META' }),
  /** The cases escalated to a unit (超期 cases of the units right below it), by the overdue sweep. */
  caseEscalatedPartition: (unitId: string) => `CASESX#${unitId}`,
  caseQueueSort: (state: string, due: string, caseId: string) => `${state}#${due}#${caseId}`,
  /** A ballot code, by its keyed hash (decision 0027): which campaign, round and group, and whether used. */
  ballotCode: (mac: string) => ({ pk: `BCODE#${mac}`, sk: 'META' }),
  /** The ballot box (its own table): a campaign round's ballots over a few partitions, each under a random key. */
  ballotPartition: (campaignId: string, round: number, shard: number) => `BOX#${campaignId}#${round}#${shard}`,
  /**
   * 阳光测评 rounds (issue 13 §2): the round, its copy in the unit's listing, the frozen frame in
   * chunks of lines, the drawn sample one item per entry, and the quarantine by month of invitation
   * (a freeze reads the months of the quarantine period, never one item per person).
   */
  round: (roundId: string) => ({ pk: `ROUND#${roundId}`, sk: 'META' }),
  roundListing: (unitId: string, roundId: string) => ({ pk: `ROUNDSOF#${unitId}`, sk: `ROUND#${roundId}` }),
  roundListingPartition: (unitId: string) => `ROUNDSOF#${unitId}`,
  roundFrameChunk: (roundId: string, index: number) => ({ pk: `RFRAME#${roundId}`, sk: `C#${String(index).padStart(5, '0')}` }),
  /** A freeze job's stages (decision 0021): a marker per unit month read (`M#`, naming its writer), its candidates in chunks (`D#`). */
  roundStagePartition: (roundId: string, jobId: string) => `RSTAGE#${roundId}#${jobId}`,
  roundStageMarker: (roundId: string, jobId: string, unitId: string, month: string) => ({ pk: `RSTAGE#${roundId}#${jobId}`, sk: `M#${unitId}#${month}` }),
  /** One merging freeze call per round at a time, whatever its job (two first calls at once start two jobs). */
  roundMergeLease: (roundId: string) => ({ pk: `RSTAGE#${roundId}`, sk: 'MERGE-LEASE' }),
  /** Every freeze stage item's partition key starts so (the jobs' stages and the round's merge lease). */
  roundStagePrefix: (roundId: string) => `RSTAGE#${roundId}`,
  /** A stage's chunk, under the id of the call that wrote it: a month staged twice never mixes two reads. */
  roundStageChunk: (roundId: string, jobId: string, unitId: string, month: string, writer: string, index: number) => ({
    pk: `RSTAGE#${roundId}#${jobId}`,
    sk: `D#${unitId}#${month}#${writer}#${String(index).padStart(4, '0')}`,
  }),
  roundSample: (roundId: string, stratum: string, entryId: string) => ({ pk: `RSAMPLE#${roundId}`, sk: `${stratum}\t${entryId}` }),
  roundSamplePartition: (roundId: string) => `RSAMPLE#${roundId}`,
  quarantine: (month: string, phoneKey: string, roundId: string) => ({ pk: `QUARANTINE#${month}`, sk: `${phoneKey}#${roundId}` }),
  quarantinePartition: (month: string) => `QUARANTINE#${month}`,
  /**
   * A round's answers (channel sampling) by stratum, their per-stratum counts, and the local
   * outbox of its messages (docs/decisions/0022-invitations.md).
   */
  roundRating: (roundId: string, stratum: string, ratingId: string) => ({ pk: `RRATING#${roundId}`, sk: `${stratum}\t${ratingId}` }),
  roundRatingPartition: (roundId: string) => `RRATING#${roundId}`,
  roundTotals: (roundId: string, stratum: string) => ({ pk: `RTOTALS#${roundId}`, sk: stratum }),
  roundTotalsPartition: (roundId: string) => `RTOTALS#${roundId}`,
  outboxMessage: (roundId: string, at: string, id: string) => ({ pk: `OUTBOX#${roundId}`, sk: `${at}#${id}` }),
  outboxPartition: (roundId: string) => `OUTBOX#${roundId}`,
  /**
   * One-time rating link (issue 13 §1, decision 0020): keyed by the SHA-256 of its token, never the
   * token. Holds the 办件 it rates while open; once used only `state: 'used'` and its TTL remain.
   */
  ratingLink: (tokenHash: string) => ({ pk: `RLINK#${tokenHash}`, sk: 'META' }),
  /** Versions of a unit's own questionnaire section (问卷), newest first by sk; version zero-padded. */
  surveyVersion: (unitId: string, version: number) => ({ pk: `SURVEY#${unitId}`, sk: `VERSION#${String(version).padStart(6, '0')}` }),
  surveyPartition: (unitId: string) => `SURVEY#${unitId}`,
  /** The version a unit's windows show (a copy of an immutable published version). */
  surveyCurrent: (unitId: string) => ({ pk: `SURVEY#${unitId}`, sk: 'CURRENT' }),
  /** Rate definition registry (committee reports): one item per set, immutable, plus a listing item. */
  rateDefinition: (id: string) => ({ pk: `RATEDEF#${id}`, sk: 'META' }),
  rateDefinitionListing: (id: string) => ({ pk: 'RATEDEFS', sk: `RATEDEF#${id}` }),
  rateDefinitionListingPartition: () => 'RATEDEFS',
} as const;
