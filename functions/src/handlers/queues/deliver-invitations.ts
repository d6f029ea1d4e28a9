import middy from '@middy/core';
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import '../../aws-adapters.js';
import type { InvitationMessage } from '../../data/invitation-queue.js';
import { INVITATION_KINDS } from '../../data/sampling-invitations.js';
import { log } from '../../middleware/log.js';
import { getRuntime } from '../../runtime.js';
import { deliverInvitations, type InvitationDeps } from '../../use-cases/sampling/invitations.js';

/**
 * The sender Lambda of 阳光测评 invitations (AWS; infra/constructs/invitation-sender.ts): fed by
 * the invitation queue, ten messages at a time. Each record is delivered on its own, so one that
 * fails (an unreadable body, DynamoDB or KMS refusing) is reported in `batchItemFailures` and only
 * it comes back; after the queue's maxReceiveCount it moves to the dead-letter queue. A message
 * the provider refuses is no failure here: the use case marks the invitation failed and
 * tells {@link onSendFailure}, which logs it.
 * Nothing logged here names a person: ids of the round and the message, the kind, error names.
 */
const InvitationMessageBody = z
  .object({
    roundId: z.string().min(1).max(128),
    stratum: z.string().min(1).max(256),
    entryId: z.string().min(1).max(256),
    kind: z.enum(INVITATION_KINDS),
    reminder: z.number().int().min(0).max(10).optional(),
  })
  .strict() satisfies z.ZodType<InvitationMessage>;

/** A message the provider refused: the use case marked the invitation failed; here it is counted in the log. */
function onSendFailure(roundId: string, kind: InvitationMessage['kind'], error: string): void {
  log('warn', 'sms.failed', { roundId, kind, error });
}

/**
 * The runtime with the failure hook. Its prototype, not a spread: spreading would run every lazy
 * getter of the runtime (the Cognito clients among them) that this function never uses.
 */
function deps(): InvitationDeps {
  return Object.assign(Object.create(getRuntime()) as InvitationDeps, { onSendFailure });
}

function parseRecord(record: SQSRecord): InvitationMessage | undefined {
  try {
    const parsed = InvitationMessageBody.safeParse(JSON.parse(record.body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function deliverRecord(record: SQSRecord): Promise<SQSBatchItemFailure | undefined> {
  const message = parseRecord(record);
  if (!message) {
    log('error', 'invitation.unreadable', { messageId: record.messageId });
    return { itemIdentifier: record.messageId };
  }
  try {
    await deliverInvitations(deps(), [message]);
    return undefined;
  } catch (error) {
    log('error', 'invitation.not-delivered', {
      messageId: record.messageId,
      roundId: message.roundId,
      kind: message.kind,
      receiveCount: Number(record.attributes.ApproximateReceiveCount),
      error: error instanceof Error ? error.name : 'unknown',
    });
    return { itemIdentifier: record.messageId };
  }
}

export const handler = middy<SQSEvent, SQSBatchResponse>().handler(async (event) => {
  const outcomes = await Promise.all(event.Records.map(deliverRecord));
  const batchItemFailures = outcomes.filter((failure): failure is SQSBatchItemFailure => failure !== undefined);
  log('info', 'invitations.batch', { messages: event.Records.length, retried: batchItemFailures.length });
  return { batchItemFailures };
});
