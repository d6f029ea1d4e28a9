import { randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '#shared/domain/china-time.js';
import { resetConfig } from '../../functions/src/config.js';
import { ORIGIN_HEADER } from '../../functions/src/middleware/origin-guard.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, postRating, putDirectory, storedRatings } from './fixtures.js';

/**
 * Origin verification (decision 0014): in AWS the API's execute-api endpoint is public, so every
 * route refuses a request that lacks the secret CloudFront (and the web server) sends, and writes
 * nothing for it. Configured here with ORIGIN_SECRET, as a Lambda reads it (AWS: from Secrets Manager).
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
const SECRET = randomBytes(32).toString('base64url');
const WINDOW = 'ovw1x';
let t: IsolatedTables;
const previous = { ORIGIN_SECRET: process.env.ORIGIN_SECRET, ORIGIN_SECRET_ARN: process.env.ORIGIN_SECRET_ARN };
function configure(variables: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetConfig();
}

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  await putDirectory(t.runtime, [WINDOW]);
});
afterAll(() => {
  configure(previous);
  t?.close();
});

const stored = () => storedRatings(t.doc, t.tables.ops, WINDOW, chinaDay(new Date()));

describe('with the origin secret configured', () => {
  beforeAll(() => configure({ ORIGIN_SECRET: SECRET, ORIGIN_SECRET_ARN: undefined }));

  it('refuses a rating without the origin header or with a wrong one: 403 naming the header, nothing stored', async () => {
    for (const headers of [{}, { [ORIGIN_HEADER]: 'not-the-secret' }, { [ORIGIN_HEADER]: `${SECRET}x` }] as Record<string, string>[]) {
      const reply = await postRating(gateway, { windowCode: WINDOW, level: 5 }, headers);
      expect(reply.status, JSON.stringify(headers)).toBe(403);
      expect(reply.json).toEqual({
        error: { code: 'FORBIDDEN', message: expect.stringContaining(ORIGIN_HEADER), issues: [{ field: ORIGIN_HEADER, message: expect.stringContaining(ORIGIN_HEADER) }] },
      });
    }
    expect(await stored()).toEqual([]);
  });

  it('accepts a rating that carries the secret', async () => {
    const reply = await postRating(gateway, { windowCode: WINDOW, level: 4 }, { [ORIGIN_HEADER]: SECRET });
    expect(reply.status).toBe(201);
    expect((await stored()).map((rating) => rating.level)).toEqual([4]);
  });

  it('refuses a read and a signed-in route as well, before looking at the token', async () => {
    const card = await call(gateway, httpEvent('GET', `/api/public/windows/${WINDOW}`));
    expect(card.status).toBe(403);
    expect((await call(gateway, httpEvent('GET', `/api/public/windows/${WINDOW}`, { headers: { [ORIGIN_HEADER]: SECRET } }))).status).toBe(200);
    const accounts = await call(gateway, httpEvent('GET', '/api/accounts', { headers: { authorization: 'Bearer not-a-token' } }));
    expect(accounts.status).toBe(403);
    expect((await call(gateway, httpEvent('GET', '/api/accounts', { headers: { authorization: 'Bearer not-a-token', [ORIGIN_HEADER]: SECRET } }))).status).toBe(401);
  });
});

describe('with the secret in Secrets Manager, as in AWS', () => {
  const ARN = 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:test-origin-AbCdEf';
  const secretsManager = mockClient(SecretsManagerClient);
  const notFound = () => Object.assign(new Error('no version with that stage'), { name: 'ResourceNotFoundException' });
  beforeAll(() => configure({ ORIGIN_SECRET: undefined, ORIGIN_SECRET_ARN: ARN }));
  afterAll(() => secretsManager.restore());

  it('reads ORIGIN_SECRET_ARN and accepts its current value, and during a rotation the pending and previous ones, nothing else', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(notFound());
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: SECRET });
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPENDING' }).resolves({ SecretString: `${SECRET}-next` });
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: `${SECRET}-old` });
    const card = (headers: Record<string, string>) => call(gateway, httpEvent('GET', `/api/public/windows/${WINDOW}`, { headers }));
    for (const value of [SECRET, `${SECRET}-next`, `${SECRET}-old`]) expect((await card({ [ORIGIN_HEADER]: value })).status, value).toBe(200);
    for (const value of [`${SECRET}-older`, '']) expect((await card({ [ORIGIN_HEADER]: value })).status, value).toBe(403);
    expect((await card({})).status).toBe(403);
  });

  it('answers 500, never the data, when the secret cannot be read', async () => {
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    configure({ ORIGIN_SECRET: undefined, ORIGIN_SECRET_ARN: ARN }); // a fresh process: nothing cached
    const reply = await call(gateway, httpEvent('GET', `/api/public/windows/${WINDOW}`, { headers: { [ORIGIN_HEADER]: SECRET } }));
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
  });
});
