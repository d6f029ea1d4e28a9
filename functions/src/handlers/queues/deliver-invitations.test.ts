import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setRuntime } from '../../runtime.js';
import { handler } from './deliver-invitations.js';

/**
 * The sender Lambda's partial batch responses, for records that fail before any table is read:
 * the delivery itself is tested against DynamoDB Local (test/integration/sampling-invitations.test.ts).
 */
const record = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:cn-north-1:111122223333:manyi-invitations',
  awsRegion: 'cn-north-1',
});
const invoke = (records: SQSRecord[]) => handler({ Records: records } satisfies SQSEvent, {} as Context);

afterEach(() => {
  vi.restoreAllMocks();
  setRuntime(undefined);
});

describe('deliverInvitations handler', () => {
  it('reports each unreadable record as a batch item failure, so only it returns (and, in the end, goes to the dead letters)', async () => {
    // Prepare
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const bodies = ['not json', JSON.stringify({ roundId: 'r1', stratum: 'U1', entryId: 'e1', kind: 'sms' }), JSON.stringify({ roundId: 'r1', stratum: 'U1', entryId: 'e1', kind: 'invitation', phone: '13800138000' })];

    // Act
    const response = await invoke(bodies.map((body, index) => record(`m${index}`, body)));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
    expect(logged.mock.calls.flat().join('\n')).not.toContain('13800138000');
  });

  it('reports a record whose delivery throws, naming the error but not the message body', async () => {
    // Prepare: a runtime whose round store fails, as DynamoDB might.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing = Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    setRuntime({ rounds: { get: () => Promise.reject(failing) }, now: () => new Date() } as never);

    // Act
    const response = await invoke([record('m1', JSON.stringify({ roundId: 'r1', stratum: 'U1', entryId: 'e1', kind: 'reminder' }))]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    const line = JSON.parse(String(logged.mock.calls[0]![0])) as Record<string, unknown>;
    expect(line).toMatchObject({ message: 'invitation.not-delivered', messageId: 'm1', roundId: 'r1', kind: 'reminder', error: 'ProvisionedThroughputExceededException' });
    expect(line).not.toHaveProperty('entryId');
  });
});
