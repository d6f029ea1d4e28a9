import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { batchEntries, batchesOf, createSqsInvitationQueue, failedMessages, InvitationQueueError, messageBody, type InvitationMessage } from './invitation-queue.js';

const QUEUE_URL = 'https://sqs.cn-north-1.amazonaws.com.cn/111122223333/manyi-invitations';
const message = (entryId: string, kind: InvitationMessage['kind'] = 'invitation'): InvitationMessage => ({ roundId: 'r1', stratum: 'U1', entryId, kind });
const messages = (count: number) => Array.from({ length: count }, (_, index) => message(`e${index}`));

describe('batchesOf', () => {
  it('splits messages into runs of at most ten, in order, the last one shorter', () => {
    // Act
    const batches = batchesOf(messages(23), 10);

    // Assess
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 3]);
    expect(batches.flat().map((m) => m.entryId)).toEqual(messages(23).map((m) => m.entryId));
  });

  it('makes no batch of nothing, and refuses a size that is not a positive whole number', () => {
    expect(batchesOf([], 10)).toEqual([]);
    expect(batchesOf(messages(10), 10)).toHaveLength(1);
    expect(() => batchesOf(messages(3), 0)).toThrow(RangeError);
    expect(() => batchesOf(messages(3), 2.5)).toThrow(RangeError);
  });
});

describe('messageBody', () => {
  it('carries the round, stratum, entry and kind and nothing else', () => {
    const extra = { ...message('e1', 'reminder'), phone: '13800138000' } as InvitationMessage;
    expect(JSON.parse(messageBody(extra))).toEqual({ roundId: 'r1', stratum: 'U1', entryId: 'e1', kind: 'reminder' });
  });
});

describe('failedMessages', () => {
  const batch = messages(4);

  it('returns the messages whose entries SQS did not report as sent', () => {
    // Prepare
    const entries = batchEntries(batch);

    // Act
    const failed = failedMessages(batch, { Successful: [{ Id: entries[0]!.Id }, { Id: entries[2]!.Id }] });

    // Assess
    expect(entries.map((entry) => entry.Id)).toEqual(['0', '1', '2', '3']);
    expect(failed.map((m) => m.entryId)).toEqual(['e1', 'e3']);
  });

  it('counts an entry SQS answered about neither way as failed, so it is retried, not lost', () => {
    expect(failedMessages(batch, {})).toEqual(batch);
    expect(failedMessages(batch, { Successful: batchEntries(batch).map(({ Id }) => ({ Id })) })).toEqual([]);
  });
});

describe('sqsInvitationQueue (stubbed SQSClient: no request leaves the process)', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());
  afterAll(() => sqs.restore());

  it('sends batches of ten and retries only the entries that failed', async () => {
    // Prepare: the first answer for a batch fails entry 1; every retry succeeds.
    let calls = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => {
      calls += 1;
      const failed = calls === 1 ? ['1'] : [];
      return {
        Successful: input.Entries.filter((entry) => !failed.includes(entry.Id)).map(({ Id }) => ({ Id, MessageId: `m${Id}`, MD5OfMessageBody: '' })),
        Failed: failed.map((Id) => ({ Id, Code: 'InternalError', SenderFault: false })),
      };
    });

    // Act
    await createSqsInvitationQueue(QUEUE_URL, 'cn-north-1').enqueue(messages(12));

    // Assess
    const sent = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries!.map((entry) => JSON.parse(entry.MessageBody!).entryId));
    expect(sent.map((entries) => entries.length).sort((a, b) => a - b)).toEqual([1, 2, 10]);
    expect(sent.flat().sort()).toEqual([...messages(12).map((m) => m.entryId), 'e1'].sort());
  });

  it('throws, naming the count and SQS codes, when entries still fail after the retries', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'KMS.AccessDenied', SenderFault: true }] });

    // Act
    const result = createSqsInvitationQueue(QUEUE_URL, 'cn-north-1').enqueue(messages(1));

    // Assess
    await expect(result).rejects.toThrow(InvitationQueueError);
    await expect(result).rejects.toMatchObject({ failed: 1, codes: ['KMS.AccessDenied'] });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });
});
