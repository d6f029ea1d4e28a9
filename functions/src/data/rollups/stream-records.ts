import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { TotalsChange } from './rollup-layout.js';

/**
 * A DynamoDB stream record as both readers of the stream hand it over: Lambda's event records
 * (aws-lambda's DynamoDBRecord) and DynamoDB Streams' GetRecords (locally, infra/local/stream-poller.ts).
 * Only the fields the rollups read.
 */
export interface StreamRecordLike {
  dynamodb?: {
    SequenceNumber?: string | undefined;
    Keys?: Record<string, unknown> | undefined;
    OldImage?: Record<string, unknown> | undefined;
    NewImage?: Record<string, unknown> | undefined;
  } | undefined;
}

const plain = (image: Record<string, unknown> | undefined) => (image ? unmarshall(image as Record<string, AttributeValue>) : undefined);

/** The record as a TotalsChange; a record without a sequence number or keys is malformed and throws. */
export function totalsChangeOf(record: StreamRecordLike): TotalsChange {
  const data = record.dynamodb;
  const keys = plain(data?.Keys);
  if (!data?.SequenceNumber || typeof keys?.pk !== 'string' || typeof keys.sk !== 'string') throw new Error('a stream record without a sequence number or keys');
  return { sequence: data.SequenceNumber, pk: keys.pk, sk: keys.sk, oldImage: plain(data.OldImage), newImage: plain(data.NewImage) };
}
