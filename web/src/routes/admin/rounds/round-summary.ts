import { RoundConfigInput, type RoundConfig } from '#shared/contracts/sampling/rounds.js';
import { fill } from '$lib/i18n-draw';
import { count, type RoundMessages } from '$lib/i18n-rounds';

/** A stored configuration, typed (the API sends it as it stored it); null if it ever stops parsing. */
export function roundConfig(config: unknown): RoundConfig | null {
  const parsed = RoundConfigInput.safeParse(config);
  return parsed.success ? parsed.data : null;
}

/** The period and the size of a configuration in words (2026-11-01 至 2026-11-30; 共 1,068 人). */
export function describeConfig(t: RoundMessages, config: RoundConfig | null): { period: string; size: string } {
  if (!config) return { period: '', size: '' };
  const { period, size } = config;
  return {
    period: fill(t.range, { from: period.from, to: period.to }),
    size: size.mode === 'margin' ? fill(t.sizeSummary.margin, { e: String(Math.round(size.e * 1000) / 10), per: t.perLabels[size.per] }) : fill(t.sizeSummary[size.mode], { n: count(size.n) }),
  };
}
