import { marginForSize, sampleSizeForMargin } from '#shared/domain/sampling/sample-size.js';

/**
 * The round form's sample-size calculator, the same on the server (the 计算 button without
 * JavaScript) and in the browser (live as the fields are typed). The margin is typed in percentage
 * points (3 for ±3%), the API takes it as a proportion (0.03).
 */
export interface Calculation {
  /** n for the typed margin, when one is typed. */
  needed?: { e: string; n: number };
  /** The margin a typed n gives, when the mode is a number of people. */
  margin?: { n: number; e: string };
}

const wholeOrUndefined = (text: string) => (text.trim() === '' ? undefined : Number(text.replaceAll(',', '')));

export function calculate(input: { e: string; n: string; population: string; sizeMode: string }): Calculation | null {
  const N = wholeOrUndefined(input.population);
  if (N !== undefined && !(Number.isSafeInteger(N) && N >= 0)) return null;
  const result: Calculation = {};
  const percent = Number(input.e);
  if (input.e.trim() !== '' && percent > 0 && percent < 50) {
    result.needed = { e: String(percent), n: sampleSizeForMargin(percent / 100, N) };
  }
  const n = wholeOrUndefined(input.n);
  if (input.sizeMode !== 'margin' && n !== undefined && Number.isSafeInteger(n) && n > 0) {
    result.margin = { n, e: (marginForSize(n, N) * 100).toFixed(1) };
  }
  return result.needed || result.margin ? result : null;
}
