import { NATIONAL_GOOD_RATE, NATIONAL_SATISFIED_RATE, type RateDefinition } from './rates.js';
import { RATING_LEVEL_NAMES, RATING_LEVELS, type RatingLevel } from './rating-level.js';

/**
 * A rate definition set: which levels count as 好评 and which as 满意. Localities differ, so the
 * sets are data (a registry), and every report and export prints the set it used.
 */
export interface RateDefinitionSet {
  id: string;
  name: { zh: string; en: string };
  good: RateDefinition;
  satisfied: RateDefinition;
  builtIn: boolean;
  /**
   * 申诉成立 (issue 15 §2): whether a rating whose case's appeal a superior unit upheld leaves every
   * number of the report ('excluded': counts, rates, mean score, breakdowns) or stays in them
   * ('counted'). Either way the report says how many there were.
   */
  upheldAppeals: UpheldAppeals;
}

export const UPHELD_APPEALS = ['excluded', 'counted'] as const;
export type UpheldAppeals = (typeof UPHELD_APPEALS)[number];

/**
 * The built-in national set: 好评 = levels 5, 4, 3; 满意 = levels 5, 4; an upheld appeal takes its
 * rating out (差评申诉复核：经核实的恶意、误评不计入). Always listed first.
 */
export const NATIONAL_DEFINITIONS: RateDefinitionSet = {
  id: 'national',
  name: { zh: '全国政务服务“好差评”标准', en: 'National 好差评 standard' },
  good: NATIONAL_GOOD_RATE,
  satisfied: NATIONAL_SATISFIED_RATE,
  builtIn: true,
  upheldAppeals: 'excluded',
};

export interface RateDefinitionSetInput {
  id: string;
  name: string;
  goodLevels: readonly RatingLevel[];
  satisfiedLevels: readonly RatingLevel[];
  upheldAppeals: UpheldAppeals;
}

/** What the denominator of a rate leaves out, in words. */
export function validRatingsWording(upheldAppeals: UpheldAppeals): { zh: string; en: string } {
  return upheldAppeals === 'excluded'
    ? { zh: '有效评价数（不含可疑评价和申诉成立的评价）', en: 'valid ratings (suspect ratings and upheld appeals excluded)' }
    : { zh: '有效评价数（不含可疑评价；申诉成立的评价照常计入）', en: 'valid ratings (suspect ratings excluded; upheld appeals counted)' };
}

function rateDefinition(id: string, name: { zh: string; en: string }, levels: readonly RatingLevel[], upheldAppeals: UpheldAppeals): RateDefinition {
  // Levels high to low, as the national formula writes them.
  const sorted = RATING_LEVELS.filter((level) => levels.includes(level));
  const valid = validRatingsWording(upheldAppeals);
  return {
    id,
    name,
    levels: sorted,
    formula: {
      zh: `${name.zh} =（${sorted.map((l) => RATING_LEVEL_NAMES[l].zh).join(' + ')}）÷ ${valid.zh}`,
      en: `${name.en} = (${sorted.map((l) => RATING_LEVEL_NAMES[l].en.toLowerCase()).join(' + ')}) ÷ ${valid.en}`,
    },
  };
}

/** A local set from its levels; the formulas are written from the level names. */
export function defineRateSet(input: RateDefinitionSetInput): RateDefinitionSet {
  return {
    id: input.id,
    name: { zh: input.name, en: input.name },
    good: rateDefinition(`${input.id}-good-rate`, { zh: '好评率', en: 'Positive rate' }, input.goodLevels, input.upheldAppeals),
    satisfied: rateDefinition(`${input.id}-satisfied-rate`, { zh: '满意率', en: 'Satisfaction rate' }, input.satisfiedLevels, input.upheldAppeals),
    builtIn: false,
    upheldAppeals: input.upheldAppeals,
  };
}
