import type { ExportVerification } from '#shared/contracts/reports.js';
import type { ExportRegistry } from '../../data/export-registry.js';

export interface VerifyExportDeps {
  exports: Pick<ExportRegistry, 'get'>;
}

/**
 * /verify: whether a SHA-256 is of a file this system produced, or of the report data printed in
 * one (数据校验码), and what that file is. An unknown hash — a tampered file — is `known: false`,
 * not an error: the page shows it as 未找到.
 */
export async function verifyExport(deps: VerifyExportDeps, sha256: string): Promise<ExportVerification> {
  const record = await deps.exports.get(sha256);
  if (!record) return { known: false, sha256 };
  return {
    known: true,
    sha256,
    matched: record.matched,
    format: record.format,
    scopeName: record.scopeName,
    periodLabel: record.periodLabel,
    definitionId: record.definitionId,
    ...(record.definitionName ? { definitionName: record.definitionName } : {}),
    ...(record.n !== undefined ? { n: record.n } : {}),
    extractedAt: record.extractedAt,
    generatedAt: record.generatedAt,
  };
}
