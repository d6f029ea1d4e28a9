import type { Lang, Messages } from '$lib/i18n';

declare global {
  namespace App {
    interface Error {
      message: string;
      /** What the visitor can do about it, e.g. check the QR code. */
      hint?: string;
    }
    interface Locals {
      lang: Lang;
      /** Bearer token from the session cookie, if any (validity is the API's call). */
      sessionToken: string | undefined;
    }
    /**
     * Set by the Lambda adapter in AWS (infra/lambda/web-handler.ts); adapter-node passes `req`.
     * `viewer`: see ViewerPlatform in $lib/server/forwarded-client.
     */
    interface Platform {
      viewer?: { forwardedClient: string | undefined };
    }
    interface PageData {
      lang?: Lang;
      common?: Messages['common'];
    }
  }
}

export {};
