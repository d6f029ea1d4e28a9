import { parseArgs } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createWindowStore } from '../../functions/src/data/windows.js';
import { createCaseStore } from '../../functions/src/data/cases/cases.js';
import { createRatingStore } from '../../functions/src/data/ratings.js';
import { dataTables, TABLES, physicalTableName } from '../../functions/src/data/tables.js';
import { createTotalsMaintenance } from '../../functions/src/data/totals.js';
import { createUnitStore } from '../../functions/src/data/units.js';
import { allWindowCodes, recountTotals, type RecountSummary, type WindowDayDrift } from '../../functions/src/use-cases/recount-totals.js';
import { createRollupMaintenance } from '../../functions/src/data/rollups/rollups.js';
import { recountRollups, type RollupDrift } from '../../functions/src/use-cases/rollups/recount-rollups.js';
import { addDays, chinaDay, isCalendarDay } from '../../shared/src/domain/china-time.js';

/**
 * `npm run recount [-- --from YYYY-MM-DD --to YYYY-MM-DD --window CODE … --dry-run]`: recompute the
 * window-day totals of the local product (`npm start`) from its raw ratings, print each drifted
 * window-day and a summary, and repair the drift unless --dry-run. Same endpoint and table names as
 * infra/local/start.ts (DYNAMODB_PORT, default 8000; tables `manyi-*`).
 */

export const DEFAULT_RECOUNT_DAYS = 400;

export interface RecountCommandOptions {
  from: string;
  to: string;
  windowCodes: string[];
  dryRun: boolean;
}

export class RecountUsageError extends Error {
  override name = 'RecountUsageError';
}

/** Flags → options; the default range is the last 400 China-time days up to today. */
export function parseRecountArgs(args: string[], now: Date): RecountCommandOptions {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      window: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const to = values.to ?? chinaDay(now);
  const from = values.from ?? addDays(to, -(DEFAULT_RECOUNT_DAYS - 1));
  for (const [flag, day] of [['--from', from], ['--to', to]] as const) {
    if (!isCalendarDay(day)) throw new RecountUsageError(`${flag} must be a day written YYYY-MM-DD, got "${day}"`);
  }
  if (from > to) throw new RecountUsageError(`--from (${from}) is after --to (${to})`);
  return { from, to, windowCodes: values.window ?? [], dryRun: values['dry-run'] };
}

export function describeRollupDrift(drift: RollupDrift): string {
  const what = drift.counters.map((c) => `${c.name}: ${c.stored} → ${c.recounted}`).join(', ');
  const outcome = { repaired: 'repaired rollup', found: 'rollup drift', busy: 'rollup still changing' }[drift.outcome];
  return `${outcome} ${drift.pk} ${drift.sk}: ${what}`;
}

export function describeDrift(drift: WindowDayDrift): string {
  const what = drift.counters.map((c) => `${c.name}: ${c.stored} → ${c.recounted}`).join(', ');
  const layout = drift.migrated ? `${drift.repaired ? 'moved' : 'to move'} into one item per channel` : '';
  return `${drift.repaired ? 'repaired' : 'drift'} ${drift.windowCode} ${drift.day}: ${[what, layout].filter(Boolean).join('; ')}`;
}

export function describeSummary(summary: RecountSummary, dryRun: boolean): string {
  return (
    `${summary.windows} windows, ${summary.windowDaysChecked} window-days checked, ${summary.drifted} drifted, ` +
    `${summary.repaired} repaired` +
    (summary.migrated > 0 ? `, ${summary.migrated} ${dryRun ? 'to move' : 'moved'} into one item per channel` : '') +
    `${dryRun ? ' (dry run: nothing written)' : ''}` +
    (summary.retries > 0 ? `, ${summary.retries} re-read after a concurrent rating` : '')
  );
}

async function main(): Promise<void> {
  const options = parseRecountArgs(process.argv.slice(2), new Date());
  const endpoint = `http://127.0.0.1:${Number(process.env.DYNAMODB_PORT ?? 8000)}`;
  const prefix = 'manyi';
  const tables = dataTables(Object.fromEntries(TABLES.map((table) => [table.logicalName, physicalTableName(prefix, table)])));
  const { ops, totals } = tables;

  const raw = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  try {
    const { TableNames = [] } = await raw.send(new ListTablesCommand({}));
    for (const name of [ops, totals]) {
      if (!TableNames.includes(name)) throw new RecountUsageError(`DynamoDB Local at ${endpoint} has no table ${name}: is this the database of npm start (run it once to create the tables)?`);
    }
  } catch (error) {
    if (error instanceof RecountUsageError) throw error;
    throw new RecountUsageError(`DynamoDB Local is not running at ${endpoint} (start the product with npm start, or set DYNAMODB_PORT)`);
  } finally {
    raw.destroy();
  }

  const doc = createDocumentClient({ region: 'local', endpoint });
  console.log(`Recounting window-day totals ${options.from} … ${options.to}${options.windowCodes.length ? ` of ${options.windowCodes.join(', ')}` : ''}${options.dryRun ? ' (dry run)' : ''}`);
  const summary = await recountTotals(
    {
      units: createUnitStore(doc, ops),
      windows: createWindowStore(doc, ops),
      ratings: createRatingStore(doc, tables),
      cases: createCaseStore(doc, tables),
      totals: createTotalsMaintenance(doc, totals),
    },
    { ...options, onDrift: (drift) => console.log(`  ${describeDrift(drift)}`) },
  );
  console.log(describeSummary(summary, options.dryRun));
  // The rollups of the same windows' units, whole months (decision 0031): after the totals, which they add up.
  const windows = createWindowStore(doc, ops);
  const rollups = await recountRollups(
    { units: createUnitStore(doc, ops), windows, rollups: createRollupMaintenance(doc, totals) },
    {
      windowCodes: options.windowCodes.length ? options.windowCodes : await allWindowCodes({ units: createUnitStore(doc, ops), windows }),
      fromMonth: options.from.slice(0, 7),
      toMonth: options.to.slice(0, 7),
      dryRun: options.dryRun,
      onDrift: (drift) => console.log(`  ${describeRollupDrift(drift)}`),
    },
  );
  console.log(
    `Rollups: ${rollups.units} units, ${rollups.itemsChecked} rollup items checked, ${rollups.drifted} drifted, ${rollups.repaired} repaired` +
      (rollups.busy > 0 ? `, ${rollups.busy} still changing (the stream was busy): run again` : '') +
      (options.dryRun ? ' (dry run: nothing written)' : ''),
  );
  doc.destroy();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(error instanceof RecountUsageError || (error instanceof Error && error.name === 'TypeError' && 'code' in error) ? 2 : 1);
  });
}
