import type { Handle, HandleServerError } from '@sveltejs/kit';
import { DEFAULT_LANG, HTML_LANG, LANG_COOKIE, isLang, messages, type Lang } from '$lib/i18n';
import { ENROLLMENT_PAGE, readEnrollmentToken, readSessionToken } from '$lib/server/session';

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

/** Sent with every response; the Content-Security-Policy itself comes from kit's `csp` config. */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  // Not 'no-referrer': with it browsers send `Origin: null` on form posts (Fetch standard,
  // "serializing a request origin"), and SvelteKit's CSRF check then refuses every form.
  // 'same-origin' sends nothing to other sites, which is what no-referrer was meant to achieve.
  'Referrer-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * Language: `?lang=en` / `?lang=zh` sets the cookie (the toggle link on every page); otherwise the
 * cookie decides; otherwise Chinese. No Accept-Language sniffing: residents' phones are often set
 * to English by whoever sold them, and the primary audience reads Chinese.
 */
function chooseLang(event: Parameters<Handle>[0]['event']): Lang {
  const requested = event.url.searchParams.get('lang');
  if (isLang(requested)) {
    event.cookies.set(LANG_COOKIE, requested, {
      path: '/',
      maxAge: ONE_YEAR_SECONDS,
      sameSite: 'lax',
      httpOnly: true,
      secure: event.url.protocol === 'https:',
    });
    return requested;
  }
  const stored = event.cookies.get(LANG_COOKIE);
  return isLang(stored) ? stored : DEFAULT_LANG;
}

// Deliberately no request logging here: request bodies, IP addresses and user agents of residents
// are personal data and are never written to logs.
export const handle: Handle = async ({ event, resolve }) => {
  const lang = chooseLang(event);
  event.locals.lang = lang;
  event.locals.sessionToken = readSessionToken(event.cookies);

  // Only an enrollment-only token (second factor not set up yet): the API refuses it everywhere but
  // the enrollment routes, so every admin page sends the person to set up the factor first.
  const enrollmentOnly = !event.locals.sessionToken && readEnrollmentToken(event.cookies) !== undefined;
  const response =
    enrollmentOnly && event.url.pathname.startsWith('/admin') && event.url.pathname !== ENROLLMENT_PAGE
      ? new Response(null, { status: 303, headers: { location: ENROLLMENT_PAGE } })
      : await resolve(event, {
          transformPageChunk: ({ html }) => html.replace('%lang%', HTML_LANG[lang]),
        });

  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  if (event.url.protocol === 'https:') {
    response.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  }
  if (response.headers.get('content-type')?.startsWith('text/html') || event.request.method !== 'GET') {
    // Pages carry a per-request CSP nonce, a fresh Idempotency-Key or a session's data, and an
    // action's answer may carry a resident's number (查看联系方式): never store or reuse them.
    response.headers.set('Cache-Control', 'no-store');
  }
  return response;
};

/** Log what went wrong on the server (no request data), show the visitor a plain message. */
export const handleError: HandleServerError = ({ error, event, status }) => {
  if (status !== 404) {
    const summary = error instanceof Error ? `${error.name}: ${error.message}` : 'non-Error thrown';
    console.error(`[web] ${status} ${event.route.id ?? '(no route)'}: ${summary}`);
  }
  const t = messages(event.locals.lang ?? DEFAULT_LANG).errors;
  return { message: status === 404 ? t.notFoundTitle : t.errorTitle };
};
