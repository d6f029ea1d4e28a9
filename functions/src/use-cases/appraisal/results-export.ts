import type { CampaignExportFormat } from '#shared/contracts/appraisal/ballots.js';
import type { CampaignTally } from '#shared/contracts/appraisal/ballots.js';
import type { CampaignView } from '#shared/contracts/appraisal/campaigns.js';
import { tallyConfigOf } from '#shared/domain/appraisal/campaign.js';
import { explainTally } from '#shared/domain/appraisal/explain.js';
import { APPRAISAL_FORMAT } from '#shared/domain/appraisal/pack.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { CampaignRecord, StoredTally } from '../../data/appraisal/campaigns.js';
import type { ExportRecord, ExportRegistry } from '../../data/export-registry.js';
import { ExportTooLargeError, MAX_DOWNLOAD_BYTES, type ExportFile } from '../exports/export-report.js';
import { canonicalSha256, sha256Hex } from '../exports/integrity.js';
import type { ExportStamp } from '../exports/report-tables.js';
import { campaignView } from './campaigns.js';
import { campaignReportTables } from './report-tables.js';
import { counted, tallyView } from './tally.js';
import type { VotingDeps } from './voting.js';

/**
 * A 民主评议 campaign's results as XLSX, CSV or PDF (issue 14 §5): 概要 with the rules in words and
 * the definitions, 评议主体, 汇总, 按评议对象 and 计算说明 with every step of the arithmetic. The
 * numbers are the tally the API answers (`tallyView`: small groups' counts hidden) and the steps of
 * the same domain code (`explainTally`), so the page, the files and `npm run tally` agree. Like the
 * other downloads, the file and its data are registered for /verify and every attempt is audited
 * (`campaign.export`, with the format and both hashes).
 */
export type CampaignExportDeps = VotingDeps & {
  exports: Pick<ExportRegistry, 'register'>;
  /** A CJK font file for the PDF; absent: the font of @embedpdf/fonts-sc (as for the report PDFs). */
  posterFontPath?: string | undefined;
};

const CONTENT_TYPES: Record<CampaignExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

/**
 * What the 数据校验码 covers: the tally as GET …/tally answers it and the campaign's settings the
 * file prints. Anyone holding both answers can rebuild it and recompute the code.
 */
export function campaignReportData(tally: CampaignTally, campaign: CampaignView) {
  const { campaignId, unitId, name, year, kind, state, round, subjects, groups, indicators, scale, rules } = campaign;
  return { format: APPRAISAL_FORMAT, tally, campaign: { campaignId, unitId, name, year, kind, state, round, subjects, groups, indicators, scale, rules } };
}

const scopeName = (campaign: CampaignView) => `${campaign.unitName ?? campaign.unitId} / 民主评议 ${campaign.name}`;

/** The file of a counted campaign, with its 数据校验码 inside; pure apart from reading the font file. */
export async function renderCampaignReport(
  campaign: CampaignRecord,
  stored: StoredTally,
  tally: CampaignTally,
  unitName: string | undefined,
  format: CampaignExportFormat,
  generatedAt: Date,
  fontPath?: string,
): Promise<Omit<ExportFile, 'filename'>> {
  const view = campaignView(campaign, unitName);
  const dataHash = canonicalSha256(campaignReportData(tally, view));
  const stamp: ExportStamp = { dataHash, generatedAt: generatedAt.toISOString() };
  const steps = explainTally(tallyConfigOf({ ...campaign, id: campaign.campaignId }, campaign.issued ?? {}), stored.detail.result);
  const tables = campaignReportTables({ campaign: view, tally, steps, stamp });
  let body: Buffer;
  // Each writer is loaded when its format is asked for, as the other downloads do.
  if (format === 'xlsx') body = await (await import('../exports/tables-xlsx.js')).tablesXlsx(tables, stamp);
  else if (format === 'csv') body = (await import('../exports/tables-csv.js')).tablesCsv(tables);
  else {
    const [{ tablesPdf }, { posterFont }] = await Promise.all([import('../exports/tables-pdf.js'), import('../posters/poster-font.js')]);
    body = await tablesPdf(tables, stamp, '民主评议结果报告', scopeName(view), posterFont(fontPath));
  }
  return { contentType: CONTENT_TYPES[format], body, sha256: sha256Hex(body), dataHash };
}

/**
 * Download a counted campaign's results (已计票 onward): administrators and committees of the scope,
 * as they read the tally. Refusals, a campaign not counted yet and a file too large are audited
 * once each, as `campaign.export`.
 */
export async function exportCampaignResults(deps: CampaignExportDeps, principal: Principal, campaignId: string, format: CampaignExportFormat): Promise<ExportFile> {
  const attempt: Attempt = { action: 'campaign.export', objectType: 'campaign', objectId: campaignId };
  const { campaign, stored } = await counted(deps, principal, attempt);
  const unit = await deps.units.get(campaign.unitId);
  const tally = tallyView(campaign, stored, await deps.campaigns.grades(campaign.campaignId, campaign.round));
  const now = deps.now();
  const file = await renderCampaignReport(campaign, stored, tally, unit?.name, format, now, deps.posterFontPath);
  if (file.body.length > MAX_DOWNLOAD_BYTES) {
    await record(deps, principal, attempt, 'invalid', { unitId: campaign.unitId, detail: `${format}: file of ${file.body.length} bytes too large` });
    throw new ExportTooLargeError(file.body.length);
  }
  const valid = tally.groups.reduce((total, group) => total + group.valid, 0);
  const registered = (sha256: string, matched: ExportRecord['matched']): ExportRecord => ({
    sha256,
    matched,
    format,
    scopeName: scopeName(campaignView(campaign, unit?.name)),
    periodLabel: { zh: `${campaign.year} 年度 第 ${campaign.round} 轮`, en: `${campaign.year}, round ${campaign.round}` },
    definitionId: APPRAISAL_FORMAT,
    definitionName: { zh: '民主评议计票规则（manyi-appraisal-v1）', en: 'Appraisal tally rules (manyi-appraisal-v1)' },
    // Valid ballots of the round; under 10 not told (as a small group's counts are not).
    n: valid >= 10 ? valid : null,
    extractedAt: stored.countedAt,
    generatedAt: now.toISOString(),
  });
  await deps.exports.register(registered(file.sha256, 'file'), registered(file.dataHash, 'data'));
  await record(deps, principal, attempt, 'ok', { unitId: campaign.unitId, detail: `${format} state=${campaign.state} sha256=${file.sha256} data=${file.dataHash}` });
  return { ...file, filename: `campaign-${campaign.campaignId}-round-${campaign.round}.${format}`.replace(/[^A-Za-z0-9._-]/g, '_') };
}
