import * as z from 'zod';
import { CAMPAIGN_KINDS, CAMPAIGN_STATES, SUBJECT_TYPES } from '../../domain/appraisal/campaign.js';
import { UnitId } from '../org-units.js';
import { text } from '../text.js';
import { Decimal2, Id, Label, TallyRulesInput } from './tally-pack.js';

/**
 * 民主评议 campaigns (issue 14 §1): what an administrator configures — subjects (评议对象), rater
 * groups (评议主体) with weights and ballots to issue, indicators, the option scale and the tally
 * rules of manyi-appraisal-v1 — and how the API shows it. Editable while 草稿; locked from 已开放.
 * Weights are decimals with at most two places that total exactly 100% (docs/decisions/0025).
 */
export const CampaignId = z
  .string()
  .regex(/^a-[0-9a-f]{16}$/, 'must be a campaign id (a- and 16 hex digits)')
  .meta({ description: '评议活动 id', example: 'a-3f9a1c0d7e5b2a48' });
export const CampaignParams = z.strictObject({ campaignId: CampaignId }).meta({ id: 'CampaignParams' });

const RefId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a staff id, window code or unit id');
const Weight = Decimal2('Weight in percent; the weights of the groups, and those of the indicators, each total exactly 100');

export const CampaignConfigInput = z
  .strictObject({
    unitId: UnitId.meta({ description: 'The scope: subjects are staff, windows or units of this subtree' }),
    name: text({ min: 1, max: 60 }).meta({ example: '2026年度民主评议党员' }),
    year: z.number().int().min(2000).max(2100),
    kind: z.enum(CAMPAIGN_KINDS).meta({ description: 'party-members 党员民主评议, cadres 干部民主测评, conduct 机关作风评议, windows 窗口评议' }),
    subjects: z
      .array(
        z.strictObject({
          type: z.enum(SUBJECT_TYPES),
          id: RefId,
          graded: z.boolean().default(true).meta({ description: 'false for subjects who take part but are not graded (预备党员)' }),
        }),
      )
      .min(1, 'needs at least one subject')
      .max(500)
      .meta({ description: '评议对象: staff members, windows or units of the scope' }),
    groups: z
      .array(
        z.strictObject({
          id: Id.optional().meta({ description: 'Defaults to g1, g2, … by position; rules (vetoes) name groups by it' }),
          name: text({ min: 1, max: 30 }).meta({ example: '党员' }),
          weightPct: Weight,
          ballots: z.number().int().min(1, 'must be at least 1').max(5_000).meta({ description: 'Ballots (codes) to issue to the group' }),
        }),
      )
      .min(1, 'needs at least one rater group')
      .max(10)
      .meta({ description: '评议主体' }),
    indicators: z
      .array(z.strictObject({ id: Id.optional().meta({ description: 'Defaults to i1, i2, …' }), name: text({ min: 1, max: 30 }), weightPct: Weight }))
      .min(1)
      .max(10)
      .optional()
      .meta({ description: 'Default: one indicator, 总体评价 (100%)' }),
    scale: z
      .array(z.strictObject({ option: Label, score: Decimal2('The option’s score; null for 弃权 (valid, not scored)').nullable() }))
      .min(2)
      .max(10)
      .optional()
      .meta({ description: 'Best option first (it is the top option). Default: 优秀 100, 合格 80, 基本合格 60, 不合格 40, 弃权' }),
    rules: TallyRulesInput.optional().meta({
      description: 'Default: quorum more than 1/2 (else void), trimmed mean above 5 scored choices, bands 90/70/60/0, no vetoes; for party-members the 优秀 cap 1/3',
    }),
  })
  .meta({ id: 'CampaignConfig' });
export type CampaignConfigInput = z.input<typeof CampaignConfigInput>;
export type CampaignConfig = z.output<typeof CampaignConfigInput>;

export const CampaignView = z
  .object({
    campaignId: CampaignId,
    unitId: z.string(),
    unitName: z.string().optional(),
    name: z.string(),
    year: z.number().int(),
    kind: z.enum(CAMPAIGN_KINDS),
    state: z.enum(CAMPAIGN_STATES),
    /** The round of voting: 1, then 2 … after a re-vote. */
    round: z.number().int().min(1),
    subjects: z.array(z.object({ id: z.string().meta({ description: 'The subject’s id in the tally pack: {type}:{id}' }), type: z.enum(SUBJECT_TYPES), refId: z.string(), name: z.string(), graded: z.boolean() })),
    groups: z.array(z.object({ id: z.string(), name: z.string(), weightPct: z.number(), ballots: z.number().int() })),
    indicators: z.array(z.object({ id: z.string(), name: z.string(), weightPct: z.number() })),
    scale: z.array(z.object({ option: z.string(), score: z.number().nullable() })),
    rules: TallyRulesInput,
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    issued: z.record(z.string(), z.number().int()).optional().meta({ description: 'Ballot codes issued per group id, from 已开放 on' }),
    openedAt: z.string().optional(),
    openedBy: z.string().optional(),
    closedAt: z.string().optional(),
    closedBy: z.string().optional(),
    superseded: z
      .array(
        z.object({
          round: z.number().int(),
          state: z.enum(CAMPAIGN_STATES),
          issued: z.record(z.string(), z.number().int()),
          returned: z.record(z.string(), z.number().int()).optional(),
          void: z.boolean().optional(),
          reasons: z.array(z.string()).optional(),
          reason: z.string(),
          at: z.string(),
          by: z.string(),
        }),
      )
      .optional()
      .meta({ description: 'Earlier rounds voted again (重新投票): how far each got, its turnout and void reasons when counted, why, by whom, when' }),
  })
  .meta({ id: 'CampaignView' });
export type CampaignView = z.infer<typeof CampaignView>;

export const CampaignList = z.object({ campaigns: z.array(CampaignView) }).meta({ id: 'CampaignList' });
export type CampaignList = z.infer<typeof CampaignList>;
export const CampaignListQuery = z.strictObject({ unitId: UnitId }).meta({ id: 'CampaignListQuery' });
