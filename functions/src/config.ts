import * as z from 'zod';

/**
 * Configuration of everything that runs as a Lambda (and, locally, inside the gateway).
 * Read once, validated at start-up; nothing else reads process.env.
 */
const ConfigSchema = z.object({
  OPS_TABLE: z.string().min(3),
  CONTACTS_TABLE: z.string().min(3),
  AUDIT_TABLE: z.string().min(3),
  BALLOTS_TABLE: z.string().min(3),
  TOTALS_TABLE: z.string().min(3),
  AWS_REGION: z.string().default('cn-north-1'),
  /** Set locally to DynamoDB Local (http://127.0.0.1:8000); unset in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** local: accounts and HS256 tokens in the app; cognito: tokens from the Cognito user pool. */
  AUTH_MODE: z.enum(['local', 'cognito']).default('local'),
  AUTH_SECRET: z.string().min(32).optional(),
  COGNITO_ISSUER: z.url().optional(),
  COGNITO_CLIENT_ID: z.string().optional(),
  /** The pool account administration keeps in step (AdminCreateUser …); AWS mode. */
  COGNITO_USER_POOL_ID: z.string().optional(),
  /** 32-byte AES key (base64) for the local contact store; in AWS, CONTACT_KMS_KEY_ID is used instead. */
  CONTACT_KEY: z.string().optional(),
  CONTACT_KMS_KEY_ID: z.string().optional(),
  /**
   * Root of the anti-stuffing day keys (decision 0015): 32 bytes base64 locally (the web server
   * gets the same one), or an HMAC_256 KMS key in AWS. Locally it defaults to one derived from AUTH_SECRET.
   */
  CLIENT_KEY: z.string().min(32).optional(),
  CLIENT_KMS_KEY_ID: z.string().optional(),
  /**
   * Where the per-client limits learn the client: `source-ip` (locally: the web server's forwarded
   * client, else the connection) or `forwarded-only` (AWS: behind CloudFront the source address is
   * an edge server's, so only a forwarded client counts and WAF limits addresses at the edge).
   */
  CLIENT_FROM: z.enum(['source-ip', 'forwarded-only']).default('source-ip'),
  /** At most one rating of a window per device within this many minutes. */
  RATING_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(30),
  /** Ratings per client (keyed network address) per 15 minutes. */
  RATINGS_PER_CLIENT: z.coerce.number().int().min(1).default(120),
  /** Failed logins per client per 15 minutes, whatever the usernames. */
  LOGIN_FAILURES_PER_CLIENT: z.coerce.number().int().min(1).default(30),
  /** Unknown ballot codes (票码) typed from one client per window before it waits (decision 0027). */
  CODE_FAILURES_PER_CLIENT: z.coerce.number().int().min(1).default(30),
  /**
   * Burst detector (decision 0016): the ratings of a window in one hour past BURST_FACTOR × its usual
   * rate for that hour of the week, and past BURST_FLOOR, are stored as 可疑评价 and counted apart.
   */
  BURST_FACTOR: z.coerce.number().min(1).max(100).default(3),
  BURST_FLOOR: z.coerce.number().int().min(1).default(20),
  SESSION_HOURS: z.coerce.number().int().min(1).max(24).default(8),
  /** Where residents open the rating page; QR posters point at `${PUBLIC_BASE_URL}/w/{code}`. */
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),
  /** A CJK font for posters; by default Noto Sans Hans from the @embedpdf/fonts-sc package. */
  POSTER_FONT_PATH: z.string().optional(),
  /**
   * 阳光测评 invitations (decision 0022). Unset (one machine): messages go to the local outbox as the
   * send job runs. In AWS: the SQS queue in front of the sender Lambda, and the End User Messaging
   * SMS origination identity (a phone pool or sender id) the sender Lambda sends from.
   */
  INVITATION_QUEUE_URL: z.url().optional(),
  /**
   * The time budget of one call of a round's freeze or draw job (decision 0021), in ms; each call
   * makes at least one step. The browser tests set 0, so a freeze takes several calls.
   */
  ROUND_JOB_BUDGET_MS: z.coerce.number().int().min(0).max(20_000).default(6_000),
  SMS_ORIGINATION_IDENTITY: z.string().min(1).optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${fields}`);
  }
  const config = parsed.data;
  if (config.AUTH_MODE === 'local' && !config.AUTH_SECRET) throw new ConfigError('AUTH_SECRET is required when AUTH_MODE=local');
  if (config.AUTH_MODE === 'cognito' && !(config.COGNITO_ISSUER && config.COGNITO_CLIENT_ID && config.COGNITO_USER_POOL_ID)) {
    throw new ConfigError('COGNITO_ISSUER, COGNITO_CLIENT_ID and COGNITO_USER_POOL_ID are required when AUTH_MODE=cognito');
  }
  if (!config.CONTACT_KEY && !config.CONTACT_KMS_KEY_ID) throw new ConfigError('CONTACT_KEY or CONTACT_KMS_KEY_ID is required');
  return config;
}

let cached: Config | undefined;
/** Forget the parsed configuration (the local runtime re-reads it after changing the environment). */
export function resetConfig(): void {
  cached = undefined;
  cachedOrigin = undefined;
}

/** The process-wide configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * Origin verification (decision 0014): what CloudFront must send in its origin header. In AWS
 * ORIGIN_SECRET_ARN names the Secrets Manager secret, read at run time (data/origin-secrets.ts);
 * ORIGIN_SECRET gives the value itself (tests). Neither (local mode): no origin is checked. Apart
 * from config() because every route checks it, health and OpenAPI too, which have no runtime.
 */
const OriginConfigSchema = z.object({
  AWS_REGION: z.string().default('cn-north-1'),
  ORIGIN_SECRET_ARN: z.string().startsWith('arn:').optional(),
  ORIGIN_SECRET: z.string().min(32).optional(),
});
export type OriginConfig = z.infer<typeof OriginConfigSchema>;

let cachedOrigin: OriginConfig | undefined;
/** The origin settings, parsed on first use (a new object after resetConfig()). */
export function originConfig(): OriginConfig {
  if (!cachedOrigin) {
    const parsed = OriginConfigSchema.safeParse(process.env);
    if (!parsed.success) {
      throw new ConfigError(`invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
    cachedOrigin = parsed.data;
  }
  return cachedOrigin;
}
