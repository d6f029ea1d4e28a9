import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The values of the origin header an origin accepts (decision 0014), the current one first. The
 * API's guard and the web server call it on every request; it answers from a cache.
 */
export type OriginSecrets = () => Promise<readonly string[]>;

/** A fixed list (tests, and ORIGIN_SECRET). */
export function staticOriginSecrets(values: readonly string[]): OriginSecrets {
  const list = Object.freeze([...values]);
  return async () => list;
}

/**
 * Stages read, in this order: AWSCURRENT (what CloudFront and the web server send), then, during a
 * rotation, AWSPENDING (the next value, accepted before anyone sends it) and AWSPREVIOUS (the old
 * value, accepted until CloudFront has switched). The rotation steps are in decision 0014.
 */
export const ORIGIN_SECRET_STAGES = ['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS'] as const;

/** How long a process keeps what it read: each rotation step waits at least this long. */
export const ORIGIN_SECRET_CACHE_MS = 5 * 60_000;

export interface SecretsManagerOriginSecretsOptions {
  region: string;
  maxAgeMs?: number;
  now?: () => number;
  /** For tests; by default a client of the Lambda runtime's SDK, created on first use. */
  client?: Pick<SecretsManagerClient, 'send'>;
}

/**
 * AWS: the accepted values are the stages of one Secrets Manager secret, read at run time and
 * kept ORIGIN_SECRET_CACHE_MS (not in the Lambda environment: a CloudFormation template holds at
 * most 60 dynamic references, fewer than the API has functions, and the value stays out of every
 * function's configuration). The SDK client is imported on first use, so that importing a handler
 * stays within the cold-import budget (docs/performance.md). A failed read is not cached: the
 * caller refuses the request (500) and the next request tries again.
 */
export function secretsManagerOriginSecrets(secretId: string, options: SecretsManagerOriginSecretsOptions): OriginSecrets {
  const maxAgeMs = options.maxAgeMs ?? ORIGIN_SECRET_CACHE_MS;
  const now = options.now ?? Date.now;
  let client = options.client;
  let cached: { at: number; values: Promise<readonly string[]> } | undefined;

  async function read(): Promise<readonly string[]> {
    const sdk = await import('@aws-sdk/client-secrets-manager');
    client ??= new sdk.SecretsManagerClient({ region: options.region });
    const values = await Promise.all(
      ORIGIN_SECRET_STAGES.map(async (stage) => {
        try {
          const { SecretString } = await client!.send(new sdk.GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
          return SecretString;
        } catch (error) {
          // Outside a rotation AWSPENDING and AWSPREVIOUS do not exist.
          if (stage !== 'AWSCURRENT' && error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
          throw error;
        }
      }),
    );
    if (!values[0]) throw new Error('the origin secret has no AWSCURRENT value');
    return [...new Set(values.filter((value): value is string => Boolean(value)))];
  }

  return () => {
    const at = now();
    if (!cached || at - cached.at >= maxAgeMs) {
      const values = read();
      const entry = { at, values };
      cached = entry;
      values.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.values;
  };
}
