/**
 * A 民主评议 campaign's rules and a tally's outcome in words (issue 14 §5: "each shown with its
 * outcome … in words"), once for the page and the files: the tally page, the campaign page and the
 * XLSX / CSV / PDF exports read the same sentences, so "去掉最高分和最低分各 1 个" cannot say one
 * thing on screen and another on paper.
 */
export interface AppraisalWords {
  describe: {
    scalePrefix: string;
    option: string;
    unscored: string;
    listSep: string;
    bandsPrefix: string;
    band: string;
    rulesPrefix: string;
    ruleSep: string;
    quorumMoreThan: string;
    quorumAtLeast: string;
    onQuorumFail: { void: string; renormalise: string };
    trim: string;
    identical: string;
    perBallot: string;
    cap: string;
    vetoes: string;
    ratios: Record<string, string>;
    counts: readonly string[];
  };
  /** Why a round is void, by the reason's kind (returned-exceeds-issued:{group}, quorum:{group}). */
  reasons: Record<string, string>;
  /** The rules that fired for a subject (the tally's `rules`). */
  fired: { trim: string; quorum: string; veto: string; cap: string; tie: string; ungraded: string };
  none: string;
}

const zh: AppraisalWords = {
  describe: {
    scalePrefix: '选项：',
    option: '{option} {score} 分',
    unscored: '{option}（不计分）',
    listSep: '、',
    bandsPrefix: '等次：',
    band: '{grade} ≥ {min}',
    rulesPrefix: '规则：',
    ruleSep: '；',
    quorumMoreThan: '超过{ratio}回收有效',
    quorumAtLeast: '回收达到{ratio}有效',
    onQuorumFail: { void: '（否则作废重投）', renormalise: '（否则按已回收的评议主体调整权重）' },
    trim: '评议人数超过{n}人时去掉{drop}个最高分和{drop}个最低分',
    identical: '评议对象达到{n}人时，所有对象选同一选项的票无效',
    perBallot: '每张票评为优秀的不超过{ratio}',
    cap: '优秀不超过{ratio}',
    vetoes: '否决项：{labels}',
    ratios: { '1/2': '半数', '2/3': '三分之二' },
    counts: ['零', '一', '两', '三', '四', '五'],
  },
  reasons: { 'returned-exceeds-issued': '{group}：回收票数多于发出票数', quorum: '{group}：未达到法定人数' },
  fired: {
    trim: '去掉最高分和最低分各 {drop} 个',
    quorum: '有评议主体未达法定人数，权重已重新分配',
    veto: '否决：{label}',
    cap: '优秀名额所限，建议降为{grade}',
    tie: '与名额线上对象并列，提请组织评定',
    ungraded: '不定等次',
  },
  none: '—',
};

const en: AppraisalWords = {
  describe: {
    scalePrefix: 'Options: ',
    option: '{option} {score}',
    unscored: '{option} (not scored)',
    listSep: ', ',
    bandsPrefix: 'Grades: ',
    band: '{grade} ≥ {min}',
    rulesPrefix: 'Rules: ',
    ruleSep: '; ',
    quorumMoreThan: 'more than {ratio} returned for the vote to count',
    quorumAtLeast: 'at least {ratio} returned for the vote to count',
    onQuorumFail: { void: ' (otherwise void and vote again)', renormalise: ' (otherwise the returned groups’ weights are rescaled)' },
    trim: 'with more than {n} raters the {drop} highest and {drop} lowest scores are dropped',
    identical: 'with {n} or more appraised, a ballot giving everyone the same option is invalid',
    perBallot: 'at most {ratio} 优秀 a ballot',
    cap: '优秀 at most {ratio}',
    vetoes: 'vetoes: {labels}',
    ratios: { '1/2': 'half', '2/3': 'two thirds' },
    counts: ['0', '1', '2', '3', '4', '5'],
  },
  reasons: { 'returned-exceeds-issued': '{group}: more ballots returned than issued', quorum: '{group}: quorum not met' },
  fired: {
    trim: '{drop} highest and {drop} lowest scores dropped',
    quorum: 'a rater group missed its quorum; the weights were rescaled',
    veto: 'veto: {label}',
    cap: 'limited by the 优秀 quota; proposed {grade}',
    tie: 'tied with the subject at the quota line; for the committee to decide',
    ungraded: 'no grade',
  },
  none: '—',
};

export const APPRAISAL_WORDS: Readonly<Record<'zh' | 'en', AppraisalWords>> = { zh, en };

/** A sentence with its `{name}` placeholders filled in. */
export function fillIn(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** 选项：优秀 100 分、合格 80 分、…、弃权（不计分） */
export function describeScale(words: AppraisalWords, scale: readonly { option: string; score: number | null }[]): string {
  const d = words.describe;
  return d.scalePrefix + scale.map(({ option, score }) => (score === null ? fillIn(d.unscored, { option }) : fillIn(d.option, { option, score: String(score) }))).join(d.listSep);
}

/** 等次：优秀 ≥ 90、合格 ≥ 70、… */
export function describeBands(words: AppraisalWords, rules: Pick<RulesInWords, 'bands'>): string {
  const d = words.describe;
  return d.bandsPrefix + rules.bands.map(({ grade, min }) => fillIn(d.band, { grade, min: String(min) })).join(d.listSep);
}

/** 规则：超过半数回收有效（否则作废重投）；评议人数超过5人时去掉一个最高分和一个最低分；优秀不超过1/3 */
export function describeRules(words: AppraisalWords, rules: RulesInWords): string {
  const d = words.describe;
  const ratio = (text: string) => d.ratios[text] ?? text;
  const times = (n: number) => d.counts[n] ?? String(n);
  const parts: string[] = [];
  const { quorum } = rules;
  if (quorum.moreThan !== undefined || quorum.atLeast !== undefined) {
    const threshold = quorum.moreThan !== undefined ? fillIn(d.quorumMoreThan, { ratio: ratio(quorum.moreThan) }) : fillIn(d.quorumAtLeast, { ratio: ratio(quorum.atLeast!) });
    parts.push(threshold + d.onQuorumFail[rules.onQuorumFail]);
  }
  if (rules.trim) parts.push(fillIn(d.trim, { n: String(rules.trim.moreThan), drop: times(rules.trim.drop) }));
  if (rules.invalidIfIdentical) parts.push(fillIn(d.identical, { n: String(rules.invalidIfIdentical.minSubjects) }));
  if (rules.excellentPerBallot) parts.push(fillIn(d.perBallot, { ratio: rules.excellentPerBallot.maxShare }));
  if (rules.excellentCap) parts.push(fillIn(d.cap, { ratio: rules.excellentCap.maxShare }));
  if (rules.vetoes.length) parts.push(fillIn(d.vetoes, { labels: rules.vetoes.map((veto) => veto.label).join(d.listSep) }));
  return d.rulesPrefix + parts.join(d.ruleSep);
}

/**
 * The rules as a campaign stores them or a pack carries them (TallyRules of pack.ts, spelt out so
 * that this module imports nothing: web/ may use it, docs/decisions/0011).
 */
export interface RulesInWords {
  quorum: { moreThan?: string | undefined; atLeast?: string | undefined };
  onQuorumFail: 'void' | 'renormalise';
  invalidIfIdentical: { minSubjects: number } | null;
  excellentPerBallot: { maxShare: string } | null;
  trim: { moreThan: number; drop: number } | null;
  bands: readonly { grade: string; min: number }[];
  vetoes: readonly { id: string; label: string }[];
  excellentCap: { maxShare: string } | null;
}

/** A rule that fired for a subject ("trim", "veto:{id}", …) in words; an unknown one as it is. */
export function firedRuleText(words: AppraisalWords, fired: string, rules: Pick<RulesInWords, 'trim' | 'vetoes'>, proposedGrade: string | null): string {
  const f = words.fired;
  if (fired === 'trim') return fillIn(f.trim, { drop: String(rules.trim?.drop ?? 1) });
  if (fired === 'quorum') return f.quorum;
  if (fired === 'ungraded') return f.ungraded;
  if (fired === 'excellent-cap') return fillIn(f.cap, { grade: proposedGrade ?? words.none });
  if (fired === 'excellent-cap-tie') return f.tie;
  if (fired.startsWith('veto:')) {
    const id = fired.slice('veto:'.length);
    return fillIn(f.veto, { label: rules.vetoes.find((veto) => veto.id === id)?.label ?? id });
  }
  return fired;
}

/** Why a round is void ("quorum:{group}") in words, the group by its name. */
export function voidReasonText(words: AppraisalWords, reason: string, groupName: (id: string) => string | undefined): string {
  const [kind = '', group = ''] = reason.split(':');
  const template = words.reasons[kind];
  return template ? fillIn(template, { group: groupName(group) ?? group }) : reason;
}
