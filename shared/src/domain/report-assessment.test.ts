import { describe, expect, it } from 'vitest';
import { assess, assessmentPoints, type AssessmentScheme } from './report-assessment.js';

// The scheme of the issue: "满意率 counts for 30 points, linear from 80% → 0 to 100% → full marks".
const scheme: AssessmentScheme = { weight: 30, basis: 'satisfied', zeroAt: 0.8, fullAt: 1 };

describe('assessmentPoints', () => {
  it.each([
    [0.923, 18.45],
    [0.9, 15],
    [0.8, 0],
    [0.7, 0],
    [1, 30],
    [0.85, 7.5],
    [0.99, 28.5],
  ])('turns a rate of %d into %d points', (rate, points) => {
    expect(assessmentPoints(rate, scheme)).toBe(points);
  });

  it('follows other weights and lines: 好评率 for 20 points from 60% to 95%', () => {
    // (0.9 − 0.6) ÷ (0.95 − 0.6) × 20 = 17.142857… → 17.14
    expect(assessmentPoints(0.9, { weight: 20, basis: 'good', zeroAt: 0.6, fullAt: 0.95 })).toBe(17.14);
  });
});

describe('assess', () => {
  it('writes the arithmetic out', () => {
    const result = assess({ n: 1000, rate: 0.923, suppressed: false }, scheme, 30);
    expect(result.points).toBe(18.45);
    expect(result.rate).toBe(0.923);
    expect(result.arithmetic.zh).toBe('满意率 92.30% → (92.30 − 80) ÷ (100 − 80) × 30 = 18.45 分');
    expect(result.arithmetic.en).toBe('Satisfaction rate 92.30% → (92.30 − 80) ÷ (100 − 80) × 30 = 18.45 points');
  });

  it('says when the rate is at or beyond a line', () => {
    expect(assess({ n: 40, rate: 0.75, suppressed: false }, scheme, 30).arithmetic.zh).toBe('满意率 75.00% ≤ 80% → 0 分（满分 30 分）');
    expect(assess({ n: 40, rate: 1, suppressed: false }, scheme, 30)).toMatchObject({ points: 30, arithmetic: { zh: '满意率 100.00% ≥ 100% → 30.00 分（满分）' } });
  });

  it('gives no points below the minimum n or for a suppressed scope', () => {
    expect(assess({ n: 29, rate: 0.95, suppressed: false }, scheme, 30)).toMatchObject({ points: null, rate: null, arithmetic: { zh: '有效评价数 29 少于最少样本量 30，不折算考核分' } });
    expect(assess({ n: null, rate: null, suppressed: true }, scheme, 30)).toMatchObject({ points: null, rate: null });
  });
});
