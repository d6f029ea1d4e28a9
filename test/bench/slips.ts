import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { codeFromBytes } from '#shared/domain/appraisal/ballot-code.js';
import { posterFont } from '../../functions/src/use-cases/posters/poster-font.js';
import { renderSlips, type SlipSheet } from '../../functions/src/use-cases/appraisal/slips-pdf.js';

/**
 * The slips PDF at meeting size (issue 14): 2,000 slips in one PDF, target ≤ 10 s. Five rater
 * groups of 400 codes each, as a large 民主评议 hands out; the time is the whole render, from the
 * codes to the finished PDF bytes, with the font loaded and subset inside it.
 *
 *   npx tsx test/bench/slips.ts   → {"slips":2000,"ms":…,"bytes":…}
 */
export const SLIPS_MAX_MS = 10_000;

export async function measureSlips(total = 2_000): Promise<{ slips: number; ms: number; bytes: number }> {
  const groupNames = ['群众代表', '服务对象', '党员代表', '机关干部', '基层站所'];
  const perGroup = Math.ceil(total / groupNames.length);
  const groups: SlipSheet[] = groupNames.map((groupName, g) => ({
    campaignName: '2026年度机关作风民主评议',
    year: 2026,
    kindLabel: '机关作风评议',
    groupName,
    codes: Array.from({ length: Math.min(perGroup, total - g * perGroup) }, () => codeFromBytes(randomBytes(7))),
  }));
  const font = posterFont();
  const start = performance.now();
  const pdf = await renderSlips({ baseUrl: 'https://manyi.example.gov.cn', groups, font });
  const ms = Math.round(performance.now() - start);
  return { slips: groups.reduce((sum, group) => sum + group.codes.length, 0), ms, bytes: pdf.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await measureSlips()));
}
