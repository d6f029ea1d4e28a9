/**
 * Assessment conversion (考核折算): a rate becomes points of the assessment score.
 *   points = weight × clamp((rate − zeroAt) ÷ (fullAt − zeroAt), 0, 1)
 * e.g. "满意率 counts for 30 points, linear from 80% (0 points) to 100% (full marks)":
 * 满意率 92.30% → (92.30 − 80) ÷ (100 − 80) × 30 = 18.45 分. Rates are proportions in [0, 1];
 * the rate is used unrounded and the points rounded to two decimals.
 */
export type AssessmentBasis = 'satisfied' | 'good';

export interface AssessmentScheme {
  weight: number;
  basis: AssessmentBasis;
  zeroAt: number;
  fullAt: number;
}

export interface AssessmentResult {
  scheme: AssessmentScheme;
  points: number | null;
  rate: number | null;
  arithmetic: { zh: string; en: string };
}

const BASIS_NAMES = { satisfied: { zh: '满意率', en: 'Satisfaction rate' }, good: { zh: '好评率', en: 'Positive rate' } } as const;

/** A percentage without needless zeros: 0.8 → "80", 0.925 → "92.5". */
const percent = (proportion: number) => String(Math.round(proportion * 10000) / 100);
const fixed2 = (value: number) => value.toFixed(2);

export function assessmentPoints(rate: number, scheme: AssessmentScheme): number {
  const share = Math.min(Math.max((rate - scheme.zeroAt) / (scheme.fullAt - scheme.zeroAt), 0), 1);
  return Math.round(scheme.weight * share * 100) / 100;
}

/**
 * The points of a scope, with the arithmetic written out. No points when the scope is suppressed
 * or has fewer than minN ratings: a handful of ratings must not move anyone's assessment.
 */
export function assess(
  scope: { n: number | null; rate: number | null; suppressed: boolean },
  scheme: AssessmentScheme,
  minN: number,
): AssessmentResult {
  const name = BASIS_NAMES[scheme.basis];
  const [z, f, w] = [percent(scheme.zeroAt), percent(scheme.fullAt), String(scheme.weight)];
  if (scope.suppressed || scope.n === null || scope.rate === null) {
    return {
      scheme,
      points: null,
      rate: null,
      arithmetic: { zh: '评价数少于 5，不折算考核分', en: 'Fewer than 5 ratings: no assessment points' },
    };
  }
  if (scope.n < minN) {
    return {
      scheme,
      points: null,
      rate: null,
      arithmetic: {
        zh: `有效评价数 ${scope.n} 少于最少样本量 ${minN}，不折算考核分`,
        en: `${scope.n} valid ratings, fewer than the minimum of ${minN}: no assessment points`,
      },
    };
  }
  const rate = scope.rate;
  const points = assessmentPoints(rate, scheme);
  const r = fixed2(rate * 100);
  let arithmetic: AssessmentResult['arithmetic'];
  if (rate <= scheme.zeroAt) {
    arithmetic = { zh: `${name.zh} ${r}% ≤ ${z}% → 0 分（满分 ${w} 分）`, en: `${name.en} ${r}% ≤ ${z}% → 0 points (of ${w})` };
  } else if (rate >= scheme.fullAt) {
    arithmetic = { zh: `${name.zh} ${r}% ≥ ${f}% → ${fixed2(points)} 分（满分）`, en: `${name.en} ${r}% ≥ ${f}% → ${fixed2(points)} points (full marks)` };
  } else {
    arithmetic = {
      zh: `${name.zh} ${r}% → (${r} − ${z}) ÷ (${f} − ${z}) × ${w} = ${fixed2(points)} 分`,
      en: `${name.en} ${r}% → (${r} − ${z}) ÷ (${f} − ${z}) × ${w} = ${fixed2(points)} points`,
    };
  }
  return { scheme, points, rate, arithmetic };
}
