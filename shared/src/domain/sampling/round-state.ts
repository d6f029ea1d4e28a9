/**
 * The life of a 阳光测评 round (issue 13 §2). Each step is one conditional write from the states it
 * may start from; anything else is a 409. Cancelling is possible only before the draw: once a
 * sample exists, it is either sent and closed or stays on record.
 *
 *   草稿 draft ─commit─▶ 已承诺 committed ─freeze─▶ 已冻结 frozen ─draw─▶ 已抽取 drawn
 *        └──────────────cancel──────────────┴──────────────cancel──┘            │ send
 *                                                                  已截止 closed ◀┴─ 发送中 sending
 *                                                                      │ publish
 *                                                                  已公布 published
 */
export const ROUND_STATES = ['draft', 'committed', 'frozen', 'drawn', 'sending', 'closed', 'published', 'cancelled'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

export const ROUND_STATE_LABELS: Record<RoundState, string> = {
  draft: '草稿',
  committed: '已承诺',
  frozen: '已冻结',
  drawn: '已抽取',
  sending: '发送中',
  closed: '已截止',
  published: '已公布',
  cancelled: '已取消',
};

export type RoundAction = 'edit' | 'commit' | 'freeze' | 'draw' | 'send' | 'close' | 'publish' | 'cancel';

export const ROUND_TRANSITIONS: Record<RoundAction, { from: readonly RoundState[]; to: RoundState }> = {
  edit: { from: ['draft'], to: 'draft' },
  commit: { from: ['draft'], to: 'committed' },
  freeze: { from: ['committed'], to: 'frozen' },
  draw: { from: ['frozen'], to: 'drawn' },
  send: { from: ['drawn'], to: 'sending' },
  close: { from: ['drawn', 'sending'], to: 'closed' },
  publish: { from: ['closed'], to: 'published' },
  cancel: { from: ['draft', 'committed', 'frozen'], to: 'cancelled' },
};

/** Why an action cannot start from a state, in words for the 409; undefined when it can. */
export function transitionProblem(state: RoundState, action: RoundAction): string | undefined {
  const { from } = ROUND_TRANSITIONS[action];
  if (from.includes(state)) return undefined;
  if (action === 'edit') return `the round is ${ROUND_STATE_LABELS[state]}: its configuration was locked when it was committed (已承诺)`;
  return `the round is ${ROUND_STATE_LABELS[state]}; ${action} needs ${from.map((s) => ROUND_STATE_LABELS[s]).join(' or ')}`;
}
