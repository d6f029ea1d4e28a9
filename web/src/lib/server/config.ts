import { env } from '$env/dynamic/private';
import * as z from 'zod';

/**
 * The web server's configuration, read from the environment once (on first use, because
 * `$env/dynamic/private` is only populated at run time, not while the build analyses the code).
 */
const WebConfig = z.object({
  /** Where the API lives, without a trailing slash, e.g. http://127.0.0.1:3000. */
  API_BASE_URL: z.url({ protocol: /^https?$/, error: 'API_BASE_URL must be an http(s) URL, e.g. http://127.0.0.1:3000' }),
});
export type WebConfig = z.infer<typeof WebConfig>;

let cached: WebConfig | undefined;

export function webConfig(): WebConfig {
  if (!cached) {
    const parsed = WebConfig.safeParse({ API_BASE_URL: env.API_BASE_URL });
    if (!parsed.success) throw new Error(`invalid web configuration: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    cached = { API_BASE_URL: parsed.data.API_BASE_URL.replace(/\/+$/, '') };
  }
  return cached;
}
