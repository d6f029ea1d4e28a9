import type { RoundConfig, RoundView } from '#shared/contracts/sampling/rounds.js';
import type { RoundResults } from '#shared/contracts/sampling/results.js';
import type { RoundExportFormat } from '#shared/contracts/sampling/results-export.js';
import { NATIONAL_DEFINITIONS } from '#shared/domain/report-definitions.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { ExportRecord, ExportRegistry } from '../../data/export-registry.js';
import { AppError } from '../../errors.js';
import { ExportTooLargeError, MAX_DOWNLOAD_BYTES, type ExportFile } from '../exports/export-report.js';
import { canonicalSha256, sha256Hex } from '../exports/integrity.js';
import type { ExportStamp } from '../exports/report-tables.js';
import { roundReportTables } from './round-report-tables.js';
import { roundResults } from './results.js';
import { authorizeRound, roundView, unitNames } from './rounds.js';

/**
 * A 阳光测评 round's report as XLSX or PDF (issue 13 §5; docs/decisions/0023-round-results.md): the
 * funnel, the strata, the stratified estimate with its calculation sheet, and the draw's public
 * facts (commitment, frame hash, public input, the seed once closed). The numbers are the
 * `roundResults` answer itself — the same object the page and the JSON API show — so the file can
 * neither suppress nor compute differently. Like a report download, the file and its data are
 * registered for /verify and every attempt is audited (`round.export`, with the format and both
 * hashes).
 */
export type RoundExportDeps = Parameters<typeof roundResults>[0] & {
  exports: Pick<ExportRegistry, 'register'>;
  /** A CJK font file for the PDF; absent: the font of @embedpdf/fonts-sc (as for the report PDFs). */
  posterFontPath?: string | undefined;
};

const CONTENT_TYPES: Record<RoundExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/**
 * What the 数据校验码 covers: the results as the JSON API answers them and the round's facts the file
 * prints. Anyone holding GET …/results and GET …/{roundId} can rebuild it and recompute the code.
 */
export function roundReportData(results: RoundResults, round: RoundView) {
  const config = round.config as RoundConfig;
  return {
    results,
    round: {
      roundId: round.roundId,
      unitId: config.unitId,
      period: config.period,
      deadline: config.deadline,
      strataBy: config.strataBy,
      size: config.size,
      allocation: config.allocation.method,
      strata: round.strata,
      commitment: round.commitment,
      frameHash: round.frameHash,
      publicInput: round.publicInput,
      seed: round.seed,
      drawnAt: round.drawnAt,
      closedAt: round.closedAt,
    },
  };
}

/** The file of a round's results, with its 数据校验码 inside; pure apart from reading the font file. */
export async function renderRoundReport(results: RoundResults, round: RoundView, format: RoundExportFormat, generatedAt: Date, fontPath?: string): Promise<Omit<ExportFile, 'filename'>> {
  const dataHash = canonicalSha256(roundReportData(results, round));
  const stamp: ExportStamp = { dataHash, generatedAt: generatedAt.toISOString() };
  const tables = roundReportTables({ results, round, stamp });
  let body: Buffer;
  // Each writer is loaded when its format is asked for, as the report downloads do.
  if (format === 'xlsx') body = await (await import('../exports/tables-xlsx.js')).tablesXlsx(tables, stamp);
  else {
    const [{ tablesPdf }, { posterFont }] = await Promise.all([import('../exports/tables-pdf.js'), import('../posters/poster-font.js')]);
    body = await tablesPdf(tables, stamp, '阳光测评结果报告', scopeName(results, round), posterFont(fontPath));
  }
  return { contentType: CONTENT_TYPES[format], body, sha256: sha256Hex(body), dataHash };
}

const scopeName = (results: RoundResults, round: RoundView) => `${round.unitName ?? (round.config as RoundConfig).unitId} / 阳光测评 ${results.name}`;

/**
 * Download a round's report. The round is authorised first under `round.export` (a refusal or an
 * unknown round is audited once, as that); then `roundResults` builds the numbers — itself audited
 * as the read of the results it is — and the file is made, registered and audited.
 */
export async function exportRoundResults(deps: RoundExportDeps, principal: Principal, roundId: string, format: RoundExportFormat): Promise<ExportFile> {
  const attempt: Attempt = { action: 'round.export', objectType: 'round', objectId: roundId };
  const { round: stored } = await authorizeRound(deps, principal, 'results:read', attempt);
  let results: RoundResults;
  try {
    results = await roundResults(deps, principal, roundId);
  } catch (error) {
    const refused = error instanceof AppError && error.statusCode < 500;
    await record(deps, principal, attempt, refused ? 'invalid' : 'failed', { unitId: stored.unitId, detail: `${format}: ${refused ? error.message.slice(0, 200) : 'error'}` });
    throw error;
  }
  // The view, not the record: the seed only once the round is closed.
  const round = roundView(stored, await unitNames(deps, [stored]));
  const now = deps.now();
  const file = await renderRoundReport(results, round, format, now, deps.posterFontPath);
  if (file.body.length > MAX_DOWNLOAD_BYTES) {
    await record(deps, principal, attempt, 'invalid', { unitId: stored.unitId, detail: `${format}: file of ${file.body.length} bytes too large` });
    throw new ExportTooLargeError(file.body.length);
  }
  const config = stored.config as unknown as RoundConfig;
  const registered = (sha256: string, matched: ExportRecord['matched']): ExportRecord => ({
    sha256,
    matched,
    format,
    scopeName: scopeName(results, round),
    periodLabel: { zh: `办件 ${config.period.from} 至 ${config.period.to}`, en: `service records ${config.period.from} to ${config.period.to}` },
    definitionId: NATIONAL_DEFINITIONS.id,
    definitionName: NATIONAL_DEFINITIONS.name,
    n: results.total.n,
    extractedAt: now.toISOString(),
    generatedAt: now.toISOString(),
  });
  await deps.exports.register(registered(file.sha256, 'file'), registered(file.dataHash, 'data'));
  await record(deps, principal, attempt, 'ok', { unitId: stored.unitId, detail: `${format} state=${results.state} sha256=${file.sha256} data=${file.dataHash}` });
  return { ...file, filename: `round-${roundId}-results.${format}`.replace(/[^A-Za-z0-9._-]/g, '_') };
}
