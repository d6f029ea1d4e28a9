import { APPRAISAL_FORMAT, packProblems, type Band, type PackProblem, type ScaleOption, type TallyRules } from './pack.js';
import type { TallyConfig } from './tally.js';

/**
 * A 民主评议 campaign's configuration (issue 14 §1): its kinds, states, defaults, and the tally
 * configuration (manyi-appraisal-v1 without ballots) it stands for. The configuration is checked
 * by the same `packProblems` as a tally pack, so what a campaign accepts is exactly what its pack
 * will tally, and a weight that drifts from 100% is named in the same words.
 */

export const CAMPAIGN_KINDS = ['party-members', 'cadres', 'conduct', 'windows'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export const CAMPAIGN_KIND_LABELS: Record<CampaignKind, string> = {
  'party-members': '党员民主评议',
  cadres: '干部民主测评',
  conduct: '机关作风评议',
  windows: '窗口评议',
};

/** 草稿 → 已开放 → 已截止 → 已计票 → 已评定 → 已公布 (issue 14 §1). */
export const CAMPAIGN_STATES = ['draft', 'open', 'closed', 'tallied', 'graded', 'published'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export const CAMPAIGN_STATE_LABELS: Record<CampaignState, string> = {
  draft: '草稿',
  open: '已开放',
  closed: '已截止',
  tallied: '已计票',
  graded: '已评定',
  published: '已公布',
};

export const SUBJECT_TYPES = ['staff', 'window', 'unit'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** 优秀 100 / 合格 80 / 基本合格 60 / 不合格 40, plus 弃权 without a score; the first option is the top one. */
export const DEFAULT_SCALE: readonly { option: string; score: number | null }[] = [
  { option: '优秀', score: 100 },
  { option: '合格', score: 80 },
  { option: '基本合格', score: 60 },
  { option: '不合格', score: 40 },
  { option: '弃权', score: null },
];

export const DEFAULT_BANDS: readonly Band[] = [
  { grade: '优秀', min: 90 },
  { grade: '合格', min: 70 },
  { grade: '基本合格', min: 60 },
  { grade: '不合格', min: 0 },
];

export const DEFAULT_INDICATORS: readonly { name: string; weightPct: number }[] = [{ name: '总体评价', weightPct: 100 }];

/**
 * The rules a new campaign starts from: quorum more than half (a failing group voids the round),
 * the trimmed mean above 5 scored choices (PRODUCT.md), the default bands; for 党员民主评议 the
 * 优秀 cap of 1/3. The identical-ballot and per-ballot 优秀 rules are off until chosen: they
 * depend on how many subjects a ballot has.
 */
export function defaultRules(kind: CampaignKind): TallyRules {
  return {
    quorum: { moreThan: '1/2' },
    onQuorumFail: 'void',
    invalidIfIdentical: null,
    excellentPerBallot: null,
    trim: { moreThan: 5, drop: 1 },
    bands: DEFAULT_BANDS.map((band) => ({ ...band })),
    vetoes: [],
    excellentCap: kind === 'party-members' ? { maxShare: '1/3' } : null,
  };
}

/** What a campaign holds once its defaults are filled in and its parts have ids. */
export interface CampaignSetup {
  id: string;
  name: string;
  kind: CampaignKind;
  scale: readonly { option: string; score: number | null }[];
  indicators: readonly { id: string; name: string; weightPct: number }[];
  groups: readonly { id: string; name: string; weightPct: number; ballots: number }[];
  subjects: readonly { id: string; name: string; graded: boolean }[];
  rules: TallyRules;
}

/** The tally configuration of a campaign: manyi-appraisal-v1 without the ballots; `issued` per group. */
export function tallyConfigOf(campaign: CampaignSetup, issued?: Readonly<Record<string, number>>): TallyConfig {
  const scale: ScaleOption[] = campaign.scale.map((option, index) => ({ option: option.option, score: option.score, top: index === 0 }));
  return {
    format: APPRAISAL_FORMAT,
    campaign: { id: campaign.id, name: campaign.name, kind: CAMPAIGN_KIND_LABELS[campaign.kind] },
    scale,
    indicators: campaign.indicators.map(({ id, name, weightPct }) => ({ id, name, weightPct })),
    groups: campaign.groups.map(({ id, name, weightPct, ballots }) => ({ id, name, weightPct, issued: issued?.[id] ?? ballots })),
    subjects: campaign.subjects.map(({ id, name, graded }) => ({ id, name, graded })),
    rules: campaign.rules,
  };
}

/**
 * The problems of a campaign's configuration, named by the field of the campaign (scale.0.score,
 * groups: weights must total exactly 100%; they total 99.99%, rules.vetoes.0.group, …). The top
 * option is the first of the scale, so "exactly one top option" reads as "the first option needs a
 * score".
 */
export function campaignProblems(campaign: CampaignSetup): PackProblem[] {
  const problems = packProblems({ ...tallyConfigOf(campaign), ballots: [] });
  return problems.map((problem) =>
    problem.field === 'scale' && /top/.test(problem.message) ? { field: 'scale.0.score', message: 'the first option is the best (优秀) and needs a score' } : problem,
  );
}
