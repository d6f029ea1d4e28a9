import {
  DecryptCommand,
  EncryptCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  KMSInvalidStateException,
  KMSServiceException,
  type DecryptCommandInput,
  type EncryptCommandInput,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createKmsContactSealer } from './kms-contact-sealer.js';

/**
 * The KMS contact sealer against a stubbed KMSClient (aws-sdk-client-mock): what it sends to KMS,
 * what it makes of the answers, and which KMS errors it lets through. No request leaves the process.
 */
const KEY_ARN = 'arn:aws-cn:kms:cn-north-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const CONTEXT = { purpose: 'manyi-contact-callback' };
const PHONE = '13800138000';
const BLOB = Uint8Array.from([1, 2, 3, 250, 251, 252]);

const kms = mockClient(KMSClient);
beforeEach(() => kms.reset());
afterAll(() => kms.restore());

const fault = (Type: new (options: { message: string; $metadata: object }) => Error, message = 'refused') => new Type({ message, $metadata: {} });
/** KMS answers a denied call with AccessDeniedException, which the SDK does not model as a class of its own. */
const accessDenied = () =>
  new KMSServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'not authorized to perform: kms:Decrypt' });

describe('kmsContactSealer', () => {
  describe('seal', () => {
    it('sends the phone number as UTF-8 to KMS Encrypt under the contact key and purpose context', async () => {
      // Prepare
      kms.on(EncryptCommand).resolves({ CiphertextBlob: BLOB, KeyId: KEY_ARN });
      const sealer = createKmsContactSealer(KEY_ARN, 'cn-north-1');

      // Act
      const sealed = await sealer.seal(PHONE);

      // Assess
      expect(sealed).toBe(`kms.${Buffer.from(BLOB).toString('base64')}`);
      const calls = kms.commandCalls(EncryptCommand);
      expect(calls).toHaveLength(1);
      const input = calls[0]!.args[0].input as EncryptCommandInput;
      expect(input).toEqual({ KeyId: KEY_ARN, Plaintext: expect.any(Uint8Array), EncryptionContext: CONTEXT });
      expect(new TextDecoder().decode(input.Plaintext)).toBe(PHONE);
    });

    it('talks to KMS in the region it was given', async () => {
      // Prepare
      kms.on(EncryptCommand).resolves({ CiphertextBlob: BLOB });
      const sealer = createKmsContactSealer(KEY_ARN, 'cn-northwest-1');

      // Act
      await sealer.seal(PHONE);

      // Assess
      const client = kms.send.getCall(0).thisValue as KMSClient;
      expect(await client.config.region()).toBe('cn-northwest-1');
    });

    it.each([
      ['KMSInvalidStateException (key disabled or pending deletion)', () => fault(KMSInvalidStateException)],
      ['AccessDeniedException', accessDenied],
    ])('lets %s through rather than store an unsealed number', async (_name, error) => {
      // Prepare
      const refusal = error();
      kms.on(EncryptCommand).rejects(refusal);
      const sealer = createKmsContactSealer(KEY_ARN, 'cn-north-1');

      // Act
      const sealing = sealer.seal(PHONE);

      // Assess
      await expect(sealing).rejects.toBe(refusal);
    });

    it('fails when KMS answers without a ciphertext', async () => {
      // Prepare
      kms.on(EncryptCommand).resolves({});
      const sealer = createKmsContactSealer(KEY_ARN, 'cn-north-1');

      // Act
      const sealing = sealer.seal(PHONE);

      // Assess
      await expect(sealing).rejects.toThrow();
    });
  });

  describe('open', () => {
    it('sends the ciphertext to KMS Decrypt with the contact key and the same context, and reads the number back', async () => {
      // Prepare
      kms.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode(PHONE), KeyId: KEY_ARN });
      const sealer = createKmsContactSealer(KEY_ARN, 'cn-north-1');

      // Act
      const phone = await sealer.open(`kms.${Buffer.from(BLOB).toString('base64')}`);

      // Assess
      expect(phone).toBe(PHONE);
      const calls = kms.commandCalls(DecryptCommand);
      expect(calls).toHaveLength(1);
      const input = calls[0]!.args[0].input as DecryptCommandInput;
      expect(input).toEqual({ KeyId: KEY_ARN, CiphertextBlob: expect.any(Uint8Array), EncryptionContext: CONTEXT });
      expect([...input.CiphertextBlob!]).toEqual([...BLOB]);
    });

    it('opens what it sealed (a KMS stand-in bound to key and context)', async () => {
      // Prepare: the stand-in "encrypts" by wrapping key, context and number; Decrypt checks both.
      kms.on(EncryptCommand).callsFake((input: EncryptCommandInput) => ({
        CiphertextBlob: new TextEncoder().encode(JSON.stringify([input.KeyId, input.EncryptionContext, new TextDecoder().decode(input.Plaintext)])),
      }));
      kms.on(DecryptCommand).callsFake((input: DecryptCommandInput) => {
        const [key, context, plain] = JSON.parse(new TextDecoder().decode(input.CiphertextBlob)) as [string, object, string];
        if (key !== input.KeyId || JSON.stringify(context) !== JSON.stringify(input.EncryptionContext)) throw fault(InvalidCiphertextException);
        return { Plaintext: new TextEncoder().encode(plain) };
      });
      const sealer = createKmsContactSealer(KEY_ARN, 'cn-north-1');

      // Act
      const phone = await sealer.open(await sealer.seal('+86 138 0013 8000'));

      // Assess
      expect(phone).toBe('+86 138 0013 8000');
    });

    it('refuses a value it did not seal, such as a local AES one, without calling KMS', async () => {
      // Prepare
      const sealer = createKmsContactSealer(KEY_ARN, 'cn-north-1');

      // Act
      const results = await Promise.allSettled(['v1.aXY=.dGFn.Ym9keQ==', '', 'KMS.AQID', PHONE].map((value) => sealer.open(value)));

      // Assess
      expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
      expect(kms.calls()).toHaveLength(0);
    });

    it.each([
      ['InvalidCiphertextException (tampered, or sealed for another purpose)', () => fault(InvalidCiphertextException)],
      ['IncorrectKeyException (sealed under another key)', () => fault(IncorrectKeyException)],
      ['KMSInvalidStateException', () => fault(KMSInvalidStateException)],
      ['AccessDeniedException (a role without kms:Decrypt)', accessDenied],
    ])('lets %s through unchanged', async (_name, error) => {
      // Prepare
      const refusal = error();
      kms.on(DecryptCommand).rejects(refusal);
      const sealer = createKmsContactSealer(KEY_ARN, 'cn-north-1');

      // Act
      const opening = sealer.open(`kms.${Buffer.from(BLOB).toString('base64')}`);

      // Assess
      await expect(opening).rejects.toBe(refusal);
    });

    it('fails when KMS answers without a plaintext, rather than return an empty number', async () => {
      // Prepare
      kms.on(DecryptCommand).resolves({ KeyId: KEY_ARN });
      const sealer = createKmsContactSealer(KEY_ARN, 'cn-north-1');

      // Act
      const opening = sealer.open(`kms.${Buffer.from(BLOB).toString('base64')}`);

      // Assess
      await expect(opening).rejects.toThrow('no plaintext');
    });
  });
});
