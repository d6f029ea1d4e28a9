import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys.js';
import type { Counters } from '../window-day-counters.js';
import { rollupAttributes, sumParts, type RollupPart, type RollupWrite } from './rollup-layout.js';

export type RollupOutcome = 'applied' | 'already';

/** Writes the rollups (decision 0031); readers come with the reports. */
export interface RollupStore {
  /**
   * Make one planned write exactly once: ADD its parts' deltas and move each marker to its last
   * part's position, on condition that every marker is below its first part's. When the condition
   * fails (a redelivery: some or all parts were taken before), read the markers and write only
   * the parts above them — 'already' when there are none.
   */
  apply(write: RollupWrite): Promise<RollupOutcome>;
}

/** Per marker attribute: the first and last position among the parts (they are in order). */
function spans(parts: readonly RollupPart[]): Map<string, { first: string; last: string }> {
  const byMarker = new Map<string, { first: string; last: string }>();
  for (const part of parts) {
    const span = byMarker.get(part.marker);
    if (span) span.last = part.position;
    else byMarker.set(part.marker, { first: part.position, last: part.position });
  }
  return byMarker;
}

export function createRollupStore(doc: DynamoDBDocumentClient, table: string): RollupStore {
  async function update(write: RollupWrite): Promise<void> {
    const { target, parts } = write;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const conditions: string[] = [];
    [...spans(parts)].forEach(([marker, span], i) => {
      names[`#q${i}`] = marker;
      values[`:f${i}`] = span.first;
      values[`:l${i}`] = span.last;
      sets.push(`#q${i} = :l${i}`);
      conditions.push(`(attribute_not_exists(#q${i}) OR #q${i} < :f${i})`);
    });
    Object.entries(target.attributes).forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
      sets.push(`#a${i} = :a${i}`);
    });
    const adds = Object.entries(sumParts(parts)).map(([name, value], i) => {
      names[`#n${i}`] = name;
      values[`:v${i}`] = value;
      return `#n${i} :v${i}`;
    });
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: target.key,
        // Parts that cancel out still move their markers: the records are taken, with nothing to add.
        UpdateExpression: `SET ${sets.join(', ')}${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async function markers(write: RollupWrite): Promise<Record<string, string>> {
    const names = [...new Set(write.parts.map((part) => part.marker))];
    const { Item } = await doc.send(
      new GetCommand({
        TableName: table,
        Key: write.target.key,
        ProjectionExpression: names.map((_, i) => `#q${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#q${i}`, name])),
        ConsistentRead: true,
      }),
    );
    return Object.fromEntries(names.map((name) => [name, typeof Item?.[name] === 'string' ? (Item[name] as string) : '']));
  }

  return {
    async apply(write) {
      let pending = write;
      // One consumer per shard: the markers move only under this write, so one re-read settles it.
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          await update(pending);
          return 'applied';
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
        const taken = await markers(pending);
        const rest = pending.parts.filter((part) => part.position > taken[part.marker]!);
        if (rest.length === 0) return 'already';
        pending = { target: write.target, parts: rest };
      }
      throw new Error(`rollup ${write.target.key.pk} ${write.target.key.sk}: the markers kept moving under the write (two consumers on one shard?)`);
    },
  };
}

/** Reads and corrects rollups for `npm run recount`: never on a request path, never by the consumer. */
export interface RollupMaintenance {
  /**
   * Every totals item of a unit's own windows and the unit's own rollups over months `fromMonth` …
   * `toMonth` (consistent reads): window-days, window-months, unit-months, unit-days.
   */
  readUnit(unitId: string, windowCodes: readonly string[], fromMonth: string, toMonth: string): Promise<Record<string, unknown>[]>;
  /**
   * ADD a correction to one rollup item, creating it if need be, and SET its markers to `markers`
   * (the latest positions taken from each window anywhere): a missing item recreated without them
   * would take old records again if they were ever redelivered.
   */
  correct(key: { pk: string; sk: string }, delta: Counters, markers: Readonly<Record<string, string>>): Promise<void>;
}

export function createRollupMaintenance(doc: DynamoDBDocumentClient, table: string): RollupMaintenance {
  async function query(pk: string, from: string, to: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: doc },
      { TableName: table, KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': to }, ConsistentRead: true },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
  // Day 31 of every month bounds its days: `DAY#2026-11-31#~` sorts after every day of November.
  const days = (fromMonth: string, toMonth: string) => keys.windowTotalsDays(`${fromMonth}-01`, `${toMonth}-31`);
  const months = (fromMonth: string, toMonth: string) => keys.totalsMonths(fromMonth, toMonth);
  return {
    async readUnit(unitId, windowCodes, fromMonth, toMonth) {
      const reads: Promise<Record<string, unknown>[]>[] = [];
      for (const pk of [keys.unitTotalsPartition(unitId), ...windowCodes.map((code) => keys.windowTotalsPartition(code))]) {
        for (const range of [days(fromMonth, toMonth), months(fromMonth, toMonth), keys.totalsYears(fromMonth.slice(0, 4), toMonth.slice(0, 4))]) reads.push(query(pk, range.from, range.to));
      }
      return (await Promise.all(reads)).flat();
    },

    async correct(key, delta, markers) {
      const entries = Object.entries(delta).filter(([, value]) => value !== 0);
      if (entries.length === 0) return;
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets = Object.entries({ ...rollupAttributes(key), ...markers }).map(([name, value], i) => {
        names[`#a${i}`] = name;
        values[`:a${i}`] = value;
        return `#a${i} = :a${i}`;
      });
      const adds = entries.map(([name, value], i) => {
        names[`#n${i}`] = name;
        values[`:v${i}`] = value;
        return `#n${i} :v${i}`;
      });
      await doc.send(new UpdateCommand({ TableName: table, Key: key, UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values }));
    },
  };
}
