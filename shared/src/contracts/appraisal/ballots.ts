import * as z from 'zod';
import { CAMPAIGN_KINDS } from '../../domain/appraisal/campaign.js';
import type { Operation } from '../operation.js';
import { badRequest, errorResponse, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { CampaignParams, CampaignView } from './campaigns.js';
import { text } from '../text.js';
import { Id, Label, TallyPack } from './tally-pack.js';

/**
 * Voting in 民主评议 (issue 14 §1–2; decision 0027): opening a campaign issues its ballot codes (the
 * answer is the PDF of slips, the only place the codes exist in clear), closing stops the voting,
 * and a code opens and casts one ballot at /v. The code travels in POST bodies, never in a path
 * or a query that a log could keep.
 */
export const BallotCode = z
  .string()
  .min(1, 'is required')
  .max(40, 'must be at most 40 characters')
  .meta({ description: '票码 as typed: 10 characters of Crockford base32, case, spaces and hyphens ignored', example: '7KQ2M-X9D4P' });

export const BallotLookupInput = z.strictObject({ code: BallotCode }).meta({ id: 'BallotLookupInput' });

export const RevoteInput = z
  .strictObject({ reason: text({ min: 1, max: 200 }).meta({ description: 'Why the round is voted again (e.g. 回收票数多于发出票数; 未达到法定人数), kept with the superseded round and audited' }) })
  .meta({ id: 'RevoteInput' });

export const BallotFormView = z
  .object({
    campaignId: z.string(),
    campaignName: z.string(),
    kind: z.enum(CAMPAIGN_KINDS),
    group: z.object({ id: z.string(), name: z.string() }).meta({ description: 'The rater group the code belongs to (评议主体)' }),
    subjects: z.array(z.object({ id: z.string(), name: z.string(), graded: z.boolean() })),
    indicators: z.array(z.object({ id: z.string(), name: z.string() })),
    scale: z.array(z.object({ option: z.string(), score: z.number().nullable() })).meta({ description: 'The options, best first; score null is 弃权' }),
  })
  .meta({ id: 'BallotFormView' });
export type BallotFormView = z.infer<typeof BallotFormView>;

export const CastBallotInput = z
  .strictObject({
    code: BallotCode,
    choices: z
      .record(Id, z.record(Id, Label))
      .meta({ description: 'subject id → indicator id → option; a subject or indicator left out is blank (valid, not scored)' }),
    ballot: z
      .strictObject({ campaignId: z.string().regex(/^a-[0-9a-f]{16}$/, 'must be a campaign id'), group: Id })
      .optional()
      .meta({
        description:
          'What the lookup answered for this code (its campaign and group), echoed: the vote is then checked against the campaign as read within 10 s and the code’s campaign and group inside its own transaction, without reading the code first. A wrong echo casts nothing (404 like an unknown code).',
      }),
  })
  .meta({ id: 'CastBallotInput' });

export const BallotCast = z
  .object({ cast: z.literal(true), message: z.string().meta({ example: '您的评议已提交，感谢参与' }) })
  .meta({ id: 'BallotCast', description: 'Says the ballot is in; never which choices it holds' });

const unknownCode = errorResponse('不是有效的票码: no such code (never issued, or another round’s); counted against the caller’s failed tries');
const usedCode = errorResponse('此票码已使用: the code has cast its ballot; nothing written');
const closedCampaign = errorResponse('评议已截止: the campaign is not open for voting; nothing written');
const tooMany = errorResponse('Too many unknown codes from this client: wait the given minutes');
const forbidden = forbiddenTo('run 民主评议 campaigns', 'system and unit administrators of the scope');
const notFound = noSuch('campaign', " in the caller's scope");
const conflict = errorResponse('The campaign is not in the state this step starts from');


export const ballotOperations = {
  openCampaign: {
    method: 'POST',
    path: '/api/appraisal-campaigns/{campaignId}/open',
    summary: '草稿 → 已开放: lock the configuration and issue the ballot codes; the answer is the PDF of slips',
    description:
      'Each rater group gets its `ballots` codes, stored only as keyed hashes. The PDF (A4 sheets of cut-out slips: code, QR of /v with the code in the fragment, instructions) is the only copy of the codes in clear: keep it safe, print it, hand the slips out at random. Audited with the counts issued.',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    responses: { 200: { description: 'The slips (base64-encoded binary, application/pdf); X-Manyi-Codes-Issued: the number of codes' }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict },
  },
  revoteCampaign: {
    method: 'POST',
    path: '/api/appraisal-campaigns/{campaignId}/revote',
    summary: '重新投票: the current round (已截止, 已计票 or 已评定) is superseded and a new round opens with new codes; the answer is the PDF of its slips',
    description:
      'The earlier round stays as it was — its ballots, tally and grades kept under its round number — listed in `superseded` with the reason; its codes cast nothing any more (410, 此票码所属的一轮评议已作废). The configuration stays locked. Refused once published. Audited.',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    body: RevoteInput,
    responses: { 200: { description: 'The new round’s slips (base64-encoded binary, application/pdf); X-Manyi-Codes-Issued: the number of codes' }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict },
  },
  closeCampaign: {
    method: 'POST',
    path: '/api/appraisal-campaigns/{campaignId}/close',
    summary: '已开放 → 已截止: no code casts any more',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    responses: { 200: { description: 'The campaign', schema: CampaignView }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict },
  },
  lookupBallot: {
    method: 'POST',
    path: '/api/public/ballots/lookup',
    summary: 'What a ballot code opens: the campaign, its rater group, subjects, indicators and options',
    description: 'POST so that the code is in the body, never in a logged path or query.',
    tag: 'public',
    auth: 'none',
    body: BallotLookupInput,
    responses: { 200: { description: 'The code can vote', schema: BallotFormView }, 400: badRequest, 404: unknownCode, 409: usedCode, 410: closedCampaign, 429: tooMany },
  },
  castBallot: {
    method: 'POST',
    path: '/api/public/ballots',
    summary: 'Cast the ballot of a code: the code is burned and the ballot put in one transaction',
    description:
      'The ballot holds the group and the choices only (no code, no time, no request id) under a random key; nothing is audited or logged (decision 0027). A choice naming an unknown subject, indicator or option is a 400 and writes nothing.',
    tag: 'public',
    auth: 'none',
    body: CastBallotInput,
    responses: { 201: { description: 'The ballot is in', schema: BallotCast }, 400: badRequest, 404: unknownCode, 409: usedCode, 410: closedCampaign, 429: tooMany },
  },
} as const satisfies Record<string, Operation>;

/**
 * A small group's option counts are hidden (issue 14 §5): a count of choices is shown only where the
 * rater group has at least this many valid ballots and the counted choices of that subject and
 * indicator are at least as many; otherwise `counts` and `n` are null ("<10"). Means, scores and
 * composites stay: they are the result.
 */
export const APPRAISAL_MIN_GROUP = 10;

export const IndicatorFigures = z.object({
  id: z.string(),
  name: z.string(),
  n: z.number().int().nullable().meta({ description: 'Scored choices; null when hidden (fewer than 10)' }),
  mean: z.string().nullable(),
  counts: z.record(z.string(), z.number().int()).nullable().meta({ description: 'Choices per option; null when hidden: shown as <10' }),
});

export const CampaignTally = z
  .object({
    campaignId: z.string(),
    round: z.number().int(),
    countedAt: z.string(),
    void: z.boolean(),
    reasons: z.array(z.string()),
    groups: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        weightPct: z.number(),
        issued: z.number().int(),
        returned: z.number().int(),
        valid: z.number().int(),
        invalid: z.number().int(),
        invalidIdentical: z.number().int(),
        invalidExcellentPerBallot: z.number().int(),
        quorumMet: z.boolean(),
      }),
    ),
    subjects: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        graded: z.boolean(),
        composite: z.string().nullable(),
        proposedGrade: z.string().nullable(),
        rules: z.array(z.string()),
        finalGrade: z
          .object({ grade: z.string(), reason: z.string().optional(), by: z.string(), at: z.string() })
          .nullable()
          .meta({ description: '组织评定: the committee’s grade, with its reason where it differs from the proposal' }),
        groups: z.array(z.object({ id: z.string(), score: z.string().nullable(), indicators: z.array(IndicatorFigures) })),
      }),
    ),
    minGroup: z.literal(APPRAISAL_MIN_GROUP),
  })
  .meta({ id: 'CampaignTally', description: 'The tally of the campaign’s round (manyi-appraisal-v1), small groups’ option counts hidden' });
export type CampaignTally = z.infer<typeof CampaignTally>;

const readers = forbiddenTo('read 民主评议 results', 'administrators and committees of the scope');
const graders = forbiddenTo('grade 民主评议 subjects', 'system administrators and committees of the scope; never the account that opened the campaign');

export const RecordGradeInput = z
  .strictObject({
    subjectId: Id.meta({ description: 'The subject’s id in the tally ({type}:{id})' }),
    grade: Label.meta({ description: 'One of the bands’ grades (优秀 / 合格 / 基本合格 / 不合格 by default)' }),
    reason: text({ min: 1, max: 200 }).optional().meta({ description: 'Required when the grade differs from the proposed one (看票不唯票)' }),
  })
  .meta({ id: 'RecordGradeInput' });
/** The formats of a campaign's results file (issue 14 §5). */
export const CampaignExportFormat = z.enum(['xlsx', 'csv', 'pdf'], { error: 'must be xlsx, csv or pdf' });
export type CampaignExportFormat = z.infer<typeof CampaignExportFormat>;
export const CampaignExportQuery = z.strictObject({ format: CampaignExportFormat }).meta({ id: 'CampaignExportQuery' });

const notCounted = errorResponse('Not counted yet: the campaign is counted once it is closed (已截止 → 已计票)');

export const tallyOperations = {
  tallyCampaign: {
    method: 'POST',
    path: '/api/appraisal-campaigns/{campaignId}/tally',
    summary: '已截止 → 已计票: count the ballot box once and keep the tally',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    responses: { 200: { description: 'The tally', schema: CampaignTally }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound, 409: conflict },
  },
  getCampaignTally: {
    method: 'GET',
    path: '/api/appraisal-campaigns/{campaignId}/tally',
    summary: 'The tally: per subject the counts, means, group scores, composite, proposed grade and the rules that fired',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    responses: { 200: { description: 'The tally', schema: CampaignTally }, 400: badRequest, 401: unauthorized, 403: readers, 404: notFound, 409: notCounted },
  },
  getCampaignPack: {
    method: 'GET',
    path: '/api/appraisal-campaigns/{campaignId}/pack',
    summary: 'The tally pack (manyi-appraisal-v1) of the counted round, for `npm run tally` or any program (audited)',
    description: 'The configuration and every ballot, shuffled, no code: re-running the tally gives the tally of this campaign. Audited.',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    responses: { 200: { description: 'The pack', schema: TallyPack }, 400: badRequest, 401: unauthorized, 403: readers, 404: notFound, 409: notCounted },
  },
  exportCampaignResults: {
    method: 'GET',
    path: '/api/appraisal-campaigns/{campaignId}/results/export',
    summary: 'Download the counted results as XLSX, CSV or PDF (概要, 评议主体, 汇总, 按评议对象, 计算说明); audit-logged; the SHA-256 is in X-Manyi-SHA256',
    description:
      'The tally as GET …/tally answers it (small groups’ counts shown as <10), the rules in words, the definitions and every step of the arithmetic; the 数据校验码 inside covers the tally and the campaign’s settings. Registered for /verify.',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    query: CampaignExportQuery,
    responses: { 200: { description: 'The file' }, 400: badRequest, 401: unauthorized, 403: readers, 404: notFound, 409: notCounted },
  },
  recordGrade: {
    method: 'POST',
    path: '/api/appraisal-campaigns/{campaignId}/grades',
    summary: '组织评定: record a subject’s final grade (a reason where it differs from the proposal); 已计票 → 已评定',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    body: RecordGradeInput,
    responses: { 200: { description: 'The tally with the final grades', schema: CampaignTally }, 400: badRequest, 401: unauthorized, 403: graders, 404: notFound, 409: conflict },
  },
  publishCampaign: {
    method: 'POST',
    path: '/api/appraisal-campaigns/{campaignId}/publish',
    summary: '已评定 → 已公布: every graded subject has its final grade; nothing changes after (409, audited)',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    responses: { 200: { description: 'The campaign', schema: CampaignView }, 400: badRequest, 401: unauthorized, 403: graders, 404: notFound, 409: conflict },
  },
} as const satisfies Record<string, Operation>;
