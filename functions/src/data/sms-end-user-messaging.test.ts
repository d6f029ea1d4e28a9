import { PinpointSMSVoiceV2Client, PinpointSMSVoiceV2ServiceException, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { SmsMessage } from './sampling-invitations.js';
import { createEndUserMessagingSender, SmsSendError } from './sms-end-user-messaging.js';

/** The End User Messaging SMS sender against a stubbed client: what it sends, and what its errors reveal. */
const IDENTITY = 'arn:aws:sms-voice:ap-southeast-1:111122223333:pool/pool-0123456789abcdef';
const PHONE = '13800138000';
const message: SmsMessage = { roundId: 'r1', kind: 'invitation', phone: PHONE, text: '【阳光测评】请评价 https://x/s/abc', link: 'https://x/s/abc', keepUntil: 0 };

const sms = mockClient(PinpointSMSVoiceV2Client);
beforeEach(() => sms.reset());
afterAll(() => sms.restore());

describe('endUserMessagingSender', () => {
  it('sends a transactional text to the +86 number from the origination identity', async () => {
    // Prepare
    sms.on(SendTextMessageCommand).resolves({ MessageId: 'm1' });

    // Act
    await createEndUserMessagingSender(IDENTITY, 'ap-southeast-1').send(message);

    // Assess
    expect(sms.commandCalls(SendTextMessageCommand).map((call) => call.args[0].input)).toEqual([
      {
        DestinationPhoneNumber: `+86${PHONE}`,
        OriginationIdentity: IDENTITY,
        MessageBody: message.text,
        MessageType: 'TRANSACTIONAL',
        Context: { roundId: 'r1', kind: 'invitation' },
      },
    ]);
  });

  it("turns the provider's refusal into an SmsSendError that names its kind but never the number or text", async () => {
    // Prepare
    sms.on(SendTextMessageCommand).rejects(
      new PinpointSMSVoiceV2ServiceException({ name: 'ValidationException', $fault: 'client', $metadata: {}, message: `+86${PHONE} is not reachable: ${message.text}` }),
    );

    // Act
    const error: unknown = await createEndUserMessagingSender(IDENTITY, 'ap-southeast-1').send(message).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(SmsSendError);
    expect(error).toMatchObject({ name: 'SmsSendError', reason: 'ValidationException' });
    const seen = JSON.stringify({ ...(error as object), message: (error as Error).message, stack: (error as Error).stack, cause: (error as Error).cause });
    expect(seen).not.toContain(PHONE);
    expect(seen).not.toContain('阳光测评');
  });

  it('sends nothing to a number that is not a mainland mobile number', async () => {
    await expect(createEndUserMessagingSender(IDENTITY, 'ap-southeast-1').send({ ...message, phone: '010-1234' })).rejects.toThrow(SmsSendError);
    expect(sms.commandCalls(SendTextMessageCommand)).toHaveLength(0);
  });
});
