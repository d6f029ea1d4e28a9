import { SendMessageBatchCommand, SQSClient, type BatchResultErrorEntry, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { pool } from './pool.js';
import type { InvitationKind } from './sampling-invitations.js';

/**
 * The queue in front of the sender Lambda (AWS; docs/decisions/0022-invitations.md). The send and
 * remind jobs hand it {round, stratum, entry, kind}; the sender Lambda composes each message when
 * it sends it, so no number, token or text ever waits in the queue.
 *
 * The port is declared here, beside its adapter, rather than in the use case: the data layer may
 * not import use-cases (.dependency-cruiser.mjs, data-imports-no-upper-layer), type imports included.
 */
export interface InvitationMessage {
  roundId: string;
  stratum: string;
  entryId: string;
  kind: InvitationKind;
  /**
   * A reminder: how many reminders the invitation had when it was queued. A queue may deliver a
   * message twice; the second finds the count moved on and sends nothing.
   */
  reminder?: number;
}

export interface InvitationQueue {
  enqueue(messages: readonly InvitationMessage[]): Promise<void>;
}

/** SendMessageBatch takes at most 10 entries. */
export const SQS_BATCH_SIZE = 10;
/** Attempts per batch: the first send and two retries of the entries SQS failed. */
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 200;
/** Batches in flight at once: a job step of 200 messages is 20 batches. */
const BATCHES_IN_FLIGHT = 4;

/** Some messages could not be queued after the retries; the job answers 500 and is called again. */
export class InvitationQueueError extends Error {
  override name = 'InvitationQueueError';
  constructor(
    readonly failed: number,
    readonly codes: readonly string[],
  ) {
    super(`${failed} invitation messages were not queued (${codes.join(', ') || 'unknown'})`);
  }
}

/** [a, b, …] in runs of at most `size`, in order. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('batch size must be a positive integer');
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/** The body of one queue message: its fields, in a fixed order, nothing else. */
export function messageBody(message: InvitationMessage): string {
  const { roundId, stratum, entryId, kind, reminder } = message;
  return JSON.stringify({ roundId, stratum, entryId, kind, ...(reminder !== undefined ? { reminder } : {}) });
}

/** A batch's entries, each with its index in the batch as its id (unique within a batch, as SQS asks). */
export function batchEntries(batch: readonly InvitationMessage[]): SendMessageBatchRequestEntry[] {
  return batch.map((message, index) => ({ Id: String(index), MessageBody: messageBody(message) }));
}

/**
 * The messages of `batch` that SQS reported as failed. An entry SQS answered neither as sent nor
 * as failed counts as failed too: a message is retried rather than silently lost (a duplicate is
 * harmless, the sender skips an invitation already past its step).
 */
export function failedMessages<T>(batch: readonly T[], result: { Successful?: readonly { Id?: string | undefined }[] | undefined }): T[] {
  const sent = new Set((result.Successful ?? []).map((entry) => entry.Id));
  return batch.filter((_, index) => !sent.has(String(index)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSqsInvitationQueue(queueUrl: string, region: string): InvitationQueue {
  const sqs = new SQSClient({ region });

  async function sendBatch(batch: readonly InvitationMessage[]): Promise<void> {
    let pending = [...batch];
    let errors: BatchResultErrorEntry[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(RETRY_DELAY_MS * 2 ** (attempt - 2));
      const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batchEntries(pending) }));
      errors = result.Failed ?? [];
      pending = failedMessages(pending, result);
    }
    if (pending.length > 0) throw new InvitationQueueError(pending.length, [...new Set(errors.map((error) => error.Code ?? 'unknown'))]);
  }

  return {
    async enqueue(messages) {
      await pool(batchesOf(messages, SQS_BATCH_SIZE), BATCHES_IN_FLIGHT, sendBatch);
    },
  };
}
