import { parseArgs } from 'node:util';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { TABLES, physicalTableName } from '../../functions/src/data/tables.js';

/**
 * `npm run outbox [-- --round ROUND_ID] [--limit N]`: the SMS the local product (`npm start`) has
 * "sent" for 阳光测评 rounds, newest first — the masked number, the text and the link, so a newcomer
 * can open a link and answer (docs/decisions/0022-invitations.md). The outbox never holds a number.
 */

export interface OutboxLine {
  roundId: string;
  at: string;
  kind: string;
  to: string;
  text: string;
  link: string;
}

export class OutboxUsageError extends Error {
  override name = 'OutboxUsageError';
}

export function parseOutboxArgs(args: string[]): { roundId?: string; limit: number } {
  const { values } = parseArgs({ args, options: { round: { type: 'string' }, limit: { type: 'string', default: '20' } }, strict: true, allowPositionals: false });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new OutboxUsageError(`--limit must be a whole number of messages, got "${values.limit}"`);
  return { ...(values.round ? { roundId: values.round } : {}), limit };
}

/** Newest first, at most `limit`, one block per message. */
export function describeOutbox(lines: readonly OutboxLine[], limit: number): string {
  if (lines.length === 0) return '发件箱是空的 (the outbox is empty): send a round’s invitations from its page first.';
  const shown = [...lines].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
  const blocks = shown.map((line) => `${line.at}  ${line.kind === 'reminder' ? '提醒' : '邀请'}  ${line.to}  round ${line.roundId}\n  ${line.link}\n  ${line.text}`);
  return `${blocks.join('\n\n')}\n\n${shown.length} of ${lines.length} messages (newest first; --limit N for more, --round ID for one round)`;
}

async function main(): Promise<void> {
  const options = parseOutboxArgs(process.argv.slice(2));
  const endpoint = `http://127.0.0.1:${Number(process.env.DYNAMODB_PORT ?? 8000)}`;
  const ops = physicalTableName('manyi', TABLES.find((table) => table.logicalName === 'ops')!);
  const doc = createDocumentClient({ region: 'local', endpoint });
  const lines: OutboxLine[] = [];
  try {
    const pages = paginateScan(
      { client: doc },
      {
        TableName: ops,
        FilterExpression: options.roundId ? '#kind = :outbox AND pk = :pk' : '#kind = :outbox',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':outbox': 'outbox', ...(options.roundId ? { ':pk': `OUTBOX#${options.roundId}` } : {}) },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        lines.push({ roundId: String(item.pk).slice('OUTBOX#'.length), at: String(item.at), kind: String(item.messageKind), to: String(item.to), text: String(item.text), link: String(item.link) });
      }
    }
  } catch (error) {
    throw new OutboxUsageError(`cannot read ${ops} at ${endpoint} (${error instanceof Error ? error.name : 'error'}): is the product running (npm start)?`);
  } finally {
    doc.destroy();
  }
  console.log(describeOutbox(lines, options.limit));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(error instanceof OutboxUsageError ? 2 : 1);
  });
}
