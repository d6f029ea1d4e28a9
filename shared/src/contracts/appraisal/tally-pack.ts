import * as z from 'zod';
import { APPRAISAL_FORMAT, packProblems, type TallyPack as DomainTallyPack } from '../../domain/appraisal/pack.js';

/**
 * The tally pack of a 民主评议 round, format `manyi-appraisal-v1`
 * (docs/decisions/0025-manyi-appraisal-v1.md), and the result its tally prints: the JSON boundary.
 * The shapes are checked here; what shapes cannot say (weights totalling exactly 100%, ballots
 * naming known subjects and options, …) is `packProblems`, reported as issues of the same parse.
 */

/** Ids of subjects, groups, indicators and vetoes: they are JSON keys of ballots, so plain ASCII. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'must be 1–100 characters of A–Z, a–z, 0–9, _ . : - (starting with a letter or digit)');
/** Option names and grades: short visible text (优秀, 弃权). */
export const Label = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');
const Name = z.string().min(1).max(200);
export const Ratio = z.string().max(20).meta({ description: 'A ratio: "n/d" (e.g. "2/3") or a percentage (e.g. "30%"), at most 1' });
export const Decimal2 = (description: string) => z.number().meta({ description: `${description}; at most two decimals, read as the exact decimal written` });

/** Exactly one of the two (checked with the rest in packProblems, so the message names the field). */
const ThresholdFields = { moreThan: Ratio.optional(), atLeast: Ratio.optional() };

export const TallyRulesInput = z
  .strictObject({
    quorum: z.strictObject(ThresholdFields),
    onQuorumFail: z.enum(['void', 'renormalise']),
    invalidIfIdentical: z.strictObject({ minSubjects: z.number().int() }).nullable(),
    excellentPerBallot: z.strictObject({ maxShare: Ratio }).nullable(),
    trim: z.strictObject({ moreThan: z.number().int(), drop: z.number().int() }).nullable(),
    bands: z.array(z.strictObject({ grade: Label, min: Decimal2('Lowest rounded composite of the grade') })).min(1).max(10),
    vetoes: z
      .array(z.strictObject({ id: Id, label: Name, group: Id, options: z.array(Label).max(20), atMost: Label, ...ThresholdFields }))
      .max(20),
    excellentCap: z.strictObject({ maxShare: Ratio }).nullable(),
  })
  .meta({ id: 'AppraisalRules', description: 'The tally rules of manyi-appraisal-v1 (docs/decisions/0025)' });

export const TallyPack = z
  .strictObject({
    format: z.literal(APPRAISAL_FORMAT),
    campaign: z.strictObject({ id: z.string().min(1).max(100), name: Name, kind: z.string().min(1).max(40) }),
    scale: z
      .array(z.strictObject({ option: Label, score: Decimal2('The option’s score').nullable(), top: z.boolean() }))
      .min(1)
      .max(20),
    indicators: z.array(z.strictObject({ id: Id, name: Name, weightPct: Decimal2('Weight in percent') })).min(1).max(50),
    groups: z
      .array(z.strictObject({ id: Id, name: Name, weightPct: Decimal2('Weight in percent'), issued: z.number().int().min(0).max(1_000_000) }))
      .min(1)
      .max(50),
    subjects: z.array(z.strictObject({ id: Id, name: Name, graded: z.boolean() })).max(5_000),
    rules: TallyRulesInput,
    ballots: z.array(z.strictObject({ group: Id, choices: z.record(Id, z.record(Id, Label)) })).max(1_000_000),
  })
  .superRefine((pack, context) => {
    for (const problem of packProblems(pack as DomainTallyPack))
      context.addIssue({ code: 'custom', path: problem.field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)), message: problem.message });
  })
  .meta({ id: 'AppraisalTallyPack' });
export type TallyPackInput = z.input<typeof TallyPack>;

/** The parsed pack as the domain takes it (the refinement above has checked its thresholds). */
export function asDomainPack(pack: z.output<typeof TallyPack>): DomainTallyPack {
  return pack as DomainTallyPack;
}

/**
 * Numbers of the pack's JSON text written with more than two decimals (trailing zeros aside) or
 * with an exponent, as written: `33.3300000000000001` parses to the double 33.33, so the parsed
 * value cannot show it. Every number of a manyi-appraisal-v1 pack has at most two decimals.
 */
export function overlyPreciseNumbers(text: string): string[] {
  const found: string[] = [];
  for (const [token] of text.matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    if (token.startsWith('"')) continue;
    const decimals = /\.(\d+)/.exec(token)?.[1]?.replace(/0+$/, '') ?? '';
    if (/[eE]/.test(token) || decimals.length > 2) found.push(token);
  }
  return found;
}

const IndicatorTally = z.strictObject({
  id: z.string(),
  n: z.number().int().meta({ description: 'Scored choices, before trimming' }),
  mean: z.string().nullable().meta({ description: 'The (trimmed) mean, rounded half-up to two decimals' }),
  counts: z.record(z.string(), z.number().int()).meta({ description: 'Choices per option of the scale, 弃权 included' }),
});

export const TallyResult = z
  .strictObject({
    void: z.boolean(),
    reasons: z.array(z.string()).meta({ description: '"returned-exceeds-issued:{group}", "quorum:{group}"' }),
    groups: z.array(
      z.strictObject({
        id: z.string(),
        issued: z.number().int(),
        returned: z.number().int(),
        valid: z.number().int(),
        invalid: z.number().int(),
        quorumMet: z.boolean(),
      }),
    ),
    subjects: z.array(
      z.strictObject({
        id: z.string(),
        composite: z.string().nullable(),
        proposedGrade: z.string().nullable(),
        rules: z.array(z.string()).meta({ description: 'ungraded, quorum, trim, veto:{id}, excellent-cap, excellent-cap-tie — in this order' }),
        groups: z.array(z.strictObject({ id: z.string(), n: z.number().int(), score: z.string().nullable(), indicators: z.array(IndicatorTally) })),
      }),
    ),
  })
  .meta({ id: 'AppraisalTallyResult' });
export type TallyResult = z.infer<typeof TallyResult>;
