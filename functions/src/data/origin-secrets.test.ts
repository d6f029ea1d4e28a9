import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ORIGIN_SECRET_CACHE_MS, secretsManagerOriginSecrets, staticOriginSecrets } from './origin-secrets.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:test-origin-AbCdEf';
const notFound = () => Object.assign(new Error('no version with that stage'), { name: 'ResourceNotFoundException' });
const secretsManager = mockClient(SecretsManagerClient);
beforeEach(() => {
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand).rejects(notFound());
});
afterAll(() => secretsManager.restore());

const stage = (VersionStage: string, SecretString: string) =>
  secretsManager.on(GetSecretValueCommand, { SecretId: ARN, VersionStage }).resolves({ SecretString });

describe('secretsManagerOriginSecrets', () => {
  it('accepts the current value alone outside a rotation', async () => {
    stage('AWSCURRENT', 'current-value');
    expect(await secretsManagerOriginSecrets(ARN, { region: 'eu-west-1' })()).toEqual(['current-value']);
  });

  it('accepts the pending and previous values during a rotation, the current one first', async () => {
    stage('AWSCURRENT', 'current-value');
    stage('AWSPENDING', 'next-value');
    stage('AWSPREVIOUS', 'old-value');
    expect(await secretsManagerOriginSecrets(ARN, { region: 'eu-west-1' })()).toEqual(['current-value', 'next-value', 'old-value']);
  });

  it('reads again only once the cache is older than five minutes', async () => {
    stage('AWSCURRENT', 'current-value');
    let now = 1_000_000;
    const secrets = secretsManagerOriginSecrets(ARN, { region: 'eu-west-1', now: () => now });
    await secrets();
    now += ORIGIN_SECRET_CACHE_MS - 1;
    await secrets();
    expect(secretsManager.commandCalls(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })).toHaveLength(1);
    stage('AWSCURRENT', 'rotated-value');
    now += 1;
    expect(await secrets()).toEqual(['rotated-value']);
  });

  it('fails without a current value and does not keep the failure', async () => {
    const secrets = secretsManagerOriginSecrets(ARN, { region: 'eu-west-1' });
    await expect(secrets()).rejects.toThrow();
    stage('AWSCURRENT', 'current-value');
    expect(await secrets()).toEqual(['current-value']);
  });

  it('fails on any other error, whatever the stage', async () => {
    stage('AWSCURRENT', 'current-value');
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN, VersionStage: 'AWSPREVIOUS' }).rejects(Object.assign(new Error('x'), { name: 'AccessDeniedException' }));
    await expect(secretsManagerOriginSecrets(ARN, { region: 'eu-west-1' })()).rejects.toThrow('x');
  });
});

describe('staticOriginSecrets', () => {
  it('answers the values it was given', async () => {
    expect(await staticOriginSecrets(['a', 'b'])()).toEqual(['a', 'b']);
  });
});
