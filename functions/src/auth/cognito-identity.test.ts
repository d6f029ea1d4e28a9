import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCognitoIdentity } from './tokens.js';

/**
 * createCognitoIdentity against a user pool of our own: an RS256 key pair made here, its public
 * half served as the pool's JWKS from a loopback HTTP server, and ID tokens signed with `SignJWT`
 * in the shape Cognito issues them. Nothing leaves 127.0.0.1.
 */
const POOL = 'cn-north-1_TestPool';
const CLIENT_ID = '4ab1clientid0fthewebapp';
const KID = 'pool-key-1';
const SUB = '7d3e5a1c-0000-4000-8000-00000000beef';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let poolKeys: KeyPair;
let server: Server;
let origin: string;
let issuer: string;
let jwksRequests = 0;

beforeAll(async () => {
  poolKeys = await generateKeyPair('RS256');
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(poolKeys.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] });
  server = createServer((request, response) => {
    if (request.url === `/${POOL}/.well-known/jwks.json`) {
      jwksRequests++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${origin}/${POOL}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The claims of a Cognito ID token for li.qiang, valid for an hour; `undefined` leaves a claim out. */
function idClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    sub: SUB,
    iss: issuer,
    aud: CLIENT_ID,
    token_use: 'id',
    'cognito:username': 'li.qiang',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

function sign(claims: JWTPayload, key: CryptoKey = poolKeys.privateKey, kid = KID): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('createCognitoIdentity', () => {
  it('returns the cognito:username of a valid ID token, checked against the pool JWKS', async () => {
    // Prepare
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const token = await sign(idClaims());

    // Act
    const who = await identity.verify(token);

    // Assess: the username, never the sub (the pool's UUID), and the keys came from the pool's JWKS URL.
    expect(who).toEqual({ username: 'li.qiang' });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('refuses a token whose issuer is another pool, even when signed with a key this pool trusts', async () => {
    // Prepare
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const token = await sign(idClaims({ iss: `${origin}/cn-north-1_OtherPool` }));

    // Act
    const verifying = identity.verify(token);

    // Assess
    await expect(verifying).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' });
  });

  it('refuses a token issued to another app client (audience)', async () => {
    // Prepare
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const token = await sign(idClaims({ aud: 'another-app-client' }));

    // Act
    const verifying = identity.verify(token);

    // Assess
    await expect(verifying).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
  });

  it('refuses an expired token', async () => {
    // Prepare
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const token = await sign(idClaims({ auth_time: hourAgo - 60, iat: hourAgo - 60, exp: hourAgo }));

    // Act
    const verifying = identity.verify(token);

    // Assess
    await expect(verifying).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('refuses a token without an expiry (Cognito ID tokens always carry exp)', async () => {
    // Prepare
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const token = await sign(idClaims({ exp: undefined }));

    // Act
    const verifying = identity.verify(token);

    // Assess
    await expect(verifying).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'exp' });
  });

  it('refuses an access token of the same pool (token_use access, no aud)', async () => {
    // Prepare: what Cognito puts in an access token, signed with the same pool key.
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const token = await sign(idClaims({ aud: undefined, client_id: CLIENT_ID, token_use: 'access', username: 'li.qiang', 'cognito:username': undefined }));

    // Act
    const verifying = identity.verify(token);

    // Assess
    await expect(verifying).rejects.toThrow();
  });

  it('refuses a token whose token_use is not id, even when its audience is this client', async () => {
    // Prepare
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const tokens = await Promise.all([sign(idClaims({ token_use: 'access' })), sign(idClaims({ token_use: undefined }))]);

    // Act
    const results = await Promise.allSettled(tokens.map((token) => identity.verify(token)));

    // Assess
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(results.map((result) => (result as PromiseRejectedResult).reason.message)).toEqual([
      expect.stringContaining('token_use'),
      expect.stringContaining('token_use'),
    ]);
  });

  it('refuses an HS256 token signed with the public key as the HMAC secret (algorithm confusion)', async () => {
    // Prepare: everything an attacker can know of the pool key, as PEM and as the JWK modulus.
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const pem = new TextEncoder().encode(await exportSPKI(poolKeys.publicKey));
    const modulus = new TextEncoder().encode((await exportJWK(poolKeys.publicKey)).n!);
    const tokens = await Promise.all(
      [pem, modulus].map((secret) => new SignJWT(idClaims()).setProtectedHeader({ alg: 'HS256', kid: KID }).sign(secret)),
    );

    // Act
    const results = await Promise.allSettled(tokens.map((token) => identity.verify(token)));

    // Assess
    expect(results).toEqual([
      { status: 'rejected', reason: expect.objectContaining({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' }) },
      { status: 'rejected', reason: expect.objectContaining({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' }) },
    ]);
  });

  it('refuses an unsigned token (alg none), with or without the pool key id', async () => {
    // Prepare
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const tokens = [{ alg: 'none', typ: 'JWT' }, { alg: 'none', kid: KID }].map((header) => `${base64url(header)}.${base64url(idClaims())}.`);

    // Act
    const results = await Promise.allSettled(tokens.map((token) => identity.verify(token)));

    // Assess
    expect(results).toEqual([
      { status: 'rejected', reason: expect.objectContaining({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' }) },
      { status: 'rejected', reason: expect.objectContaining({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' }) },
    ]);
  });

  it('refuses a token signed with another key, whether it claims the pool key id or an unknown one', async () => {
    // Prepare
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const forger = await generateKeyPair('RS256');
    const tokens = await Promise.all([sign(idClaims(), forger.privateKey, KID), sign(idClaims(), forger.privateKey, 'forger-key')]);

    // Act
    const results = await Promise.allSettled(tokens.map((token) => identity.verify(token)));

    // Assess
    expect(results).toEqual([
      { status: 'rejected', reason: expect.objectContaining({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' }) },
      { status: 'rejected', reason: expect.objectContaining({ code: 'ERR_JWKS_NO_MATCHING_KEY' }) },
    ]);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    // Prepare: li.qiang's valid token with the username swapped for another.
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const [header, , signature] = (await sign(idClaims())).split('.');
    const token = `${header}.${base64url(idClaims({ 'cognito:username': 'system.admin' }))}.${signature}`;

    // Act
    const verifying = identity.verify(token);

    // Assess
    await expect(verifying).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('refuses a valid ID token that names no cognito:username', async () => {
    // Prepare
    const identity = createCognitoIdentity(issuer, CLIENT_ID);
    const token = await sign(idClaims({ 'cognito:username': undefined }));

    // Act
    const verifying = identity.verify(token);

    // Assess: not the sub instead.
    await expect(verifying).rejects.toThrow('cognito:username');
  });
});
