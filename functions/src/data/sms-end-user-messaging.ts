import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { SmsSender } from './sampling-invitations.js';

/**
 * The provider refused a message (or the number was not a mainland mobile number). It carries the
 * SDK error's name only, never its message or the error itself as `cause`: a provider's message
 * may quote the destination number, and whatever logs this error must not see it.
 */
export class SmsSendError extends Error {
  override name = 'SmsSendError';
  constructor(readonly reason: string) {
    super(`the SMS was not sent: ${reason}`);
  }
}

/** 11 digits starting with 1: the numbers the contact store keeps (mainland mobile numbers). */
const MAINLAND_MOBILE = /^1\d{10}$/;

/**
 * AWS: 阳光测评 messages through AWS End User Messaging SMS (the `sms-voice` API). Used only by the
 * sender Lambda, which opens each number for one message; nothing here logs the number or the text.
 * `Context` travels to the configuration set's event destinations, so delivery receipts name the
 * round and the kind of message, never the person.
 */
export function createEndUserMessagingSender(originationIdentity: string, region: string): SmsSender {
  // Throttling is retried here (with backoff) before the message counts as failed.
  const sms = new PinpointSMSVoiceV2Client({ region, maxAttempts: 5 });
  return {
    kind: 'sms',
    async send(message) {
      if (!MAINLAND_MOBILE.test(message.phone)) throw new SmsSendError('not a mainland mobile number');
      try {
        await sms.send(
          new SendTextMessageCommand({
            DestinationPhoneNumber: `+86${message.phone}`,
            OriginationIdentity: originationIdentity,
            MessageBody: message.text,
            MessageType: 'TRANSACTIONAL',
            Context: { roundId: message.roundId, kind: message.kind },
          }),
        );
      } catch (error) {
        throw new SmsSendError(error instanceof Error ? error.name : 'unknown');
      }
    },
  };
}
