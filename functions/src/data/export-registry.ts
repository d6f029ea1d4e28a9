import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ExportFormat } from '#shared/contracts/reports.js';

/**
 * The export registry (/verify): every downloaded report file is registered under the SHA-256 of
 * its bytes (`matched: file`) and under its 数据校验码, the SHA-256 of the report data printed inside
 * it (`matched: data`). An item says what the file is — never who downloaded it: the audit log
 * has who, and /verify is public.
 *
 * Key: `EXPORT#{sha256}` / `META` (ACCESS_PATTERNS.md, pattern E1–E2). The key lives here rather
 * than in keys.ts because nothing else reads it.
 */
export const exportKey = (sha256: string) => ({ pk: `EXPORT#${sha256}`, sk: 'META' });

export interface ExportRecord {
  sha256: string;
  matched: 'file' | 'data';
  format: ExportFormat;
  scopeName: string;
  periodLabel: { zh: string; en: string };
  definitionId: string;
  /** The definition set's name (口径) as printed in the file; absent on files registered before it was kept. */
  definitionName?: { zh: string; en: string };
  /** Ratings (or ballots) in the scope; null when the scope total is suppressed; absent when the file counts none (the 问责台账). */
  n?: number | null;
  extractedAt: string;
  generatedAt: string;
}

export interface ExportRegistry {
  /**
   * Register a file (both hashes). The file item is new every time (its bytes carry the time it
   * was made); the data item keeps its first registration, so /verify tells when that data was
   * first exported, whatever was downloaded from it later.
   */
  register(file: ExportRecord, data: ExportRecord): Promise<void>;
  get(sha256: string): Promise<ExportRecord | undefined>;
}

export function createExportRegistry(doc: DynamoDBDocumentClient, table: string): ExportRegistry {
  const put = (record: ExportRecord, firstOnly: boolean) =>
    doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...exportKey(record.sha256), ...record },
        ...(firstOnly ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      }),
    );
  return {
    async register(file, data) {
      await put(file, false);
      try {
        await put(data, true);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    async get(sha256) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: exportKey(sha256) }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, ...record } = Item;
      return record as ExportRecord;
    },
  };
}
