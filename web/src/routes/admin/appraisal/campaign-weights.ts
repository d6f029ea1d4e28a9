/**
 * The sum of typed weights, exact: each weight is read as the decimal written, in integer
 * hundredths (33.33 + 33.33 + 33.34 is 100, not 99.99999…), as the API reads it (docs/decisions/0025).
 * Empty fields count nothing (an empty row is ignored); a weight that is not a number with at most
 * two decimals makes the sum unknown (the API names that field when the form is saved).
 */
export function hundredths(text: string): number | null {
  const match = /^\s*(\d{1,6})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** The total of the typed weights in percent as written (99.99, 100, 70.5), or null if one cannot be read. */
export function weightTotal(weights: readonly string[]): string | null {
  let total = 0;
  for (const weight of weights) {
    if (weight.trim() === '') continue;
    const value = hundredths(weight);
    if (value === null) return null;
    total += value;
  }
  const cents = total % 100;
  return `${Math.floor(total / 100)}${cents ? `.${String(cents).padStart(2, '0').replace(/0$/, '')}` : ''}`;
}
