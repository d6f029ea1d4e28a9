import { randomUUID } from 'node:crypto';
import { error, fail, redirect } from '@sveltejs/kit';
import { LETTER_LIMITS, personalNumberIn } from '#shared/contracts/cases/mailbox.js';
import { IdempotencyKey, MOBILE_PATTERN } from '#shared/contracts/rating.js';
import { WindowCode } from '#shared/contracts/window-card.js';
import { format } from '$lib/i18n';
import { mailboxMessages } from '$lib/i18n-mailbox';
import { mailboxDirectory, submitLetter } from '$lib/server/api-cases';
import { requesterHeaders } from '$lib/server/requester';
import type { Actions, PageServerLoad } from './$types';

/**
 * The public mailbox (issue 15 §3; decision 0029): walk down the unit tree by links (?unit=, and
 * ?window= from a window's page), then write to the unit's 投诉信箱 or, when it named its head, its
 * 一把手信箱. Works without JavaScript; what the API refuses is said beside its field.
 */
export const load: PageServerLoad = async ({ url, locals }) => {
  const t = mailboxMessages(locals.lang);
  const unit = url.searchParams.get('unit') || undefined;
  // A window code of the wrong shape is no window: the unit's page is shown without one.
  const window = url.searchParams.get('window') ?? '';
  const found = await mailboxDirectory(unit, WindowCode.safeParse(window).success ? window : undefined);
  if (!found.ok) {
    if (found.status === 404 || found.status === 400) error(404, { message: t.notFound, hint: t.notFoundBody });
    error(503, { message: t.errors.unavailable });
  }
  // Generated here, not in the browser, so that a letter sent twice without JavaScript is one case.
  return { t, directory: found.data, limits: LETTER_LIMITS, idempotencyKey: randomUUID() };
};

type Values = { box: string; windowCode: string; subject: string; content: string; contactPhone: string; consent: boolean; idempotencyKey: string };

export const actions: Actions = {
  default: async (event) => {
    const { request, url, locals } = event;
    const t = mailboxMessages(locals.lang);
    const unitId = url.searchParams.get('unit') ?? '';
    const form = await request.formData().catch(() => new FormData());
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const values: Values = { box: text('box') || 'complaint', windowCode: text('windowCode'), subject: text('subject'), content: text('content'), contactPhone: text('contactPhone'), consent: form.get('consent') === 'yes', idempotencyKey: text('idempotencyKey') };
    const limits = { min: LETTER_LIMITS.contentMin, max: LETTER_LIMITS.content };
    const errors: Record<string, string> = {};
    if (!values.subject || [...values.subject].length > LETTER_LIMITS.subject) errors.subject = format(t.errors.subject, { max: LETTER_LIMITS.subject });
    const length = [...values.content].length;
    if (length < limits.min || length > limits.max) errors.content = format(t.errors.content, limits);
    for (const field of ['subject', 'content'] as const) {
      const found = personalNumberIn(values[field]);
      if (found && !errors[field]) errors[field] = found === 'mobile' ? t.errors.phoneInText : t.errors.idInText;
    }
    if (values.contactPhone && !MOBILE_PATTERN.test(values.contactPhone)) errors.contactPhone = t.errors.contactPhone;
    else if (values.contactPhone && !values.consent) errors.consentToCallback = t.errors.consentToCallback;
    if (!['complaint', 'head'].includes(values.box)) errors.box = t.errors.box;
    if (Object.keys(errors).length) return fail(400, { values, errors });

    const sent = await submitLetter(
      {
        unitId,
        box: values.box as 'complaint' | 'head',
        ...(values.windowCode ? { windowCode: values.windowCode } : {}),
        subject: values.subject,
        content: values.content,
        ...(values.contactPhone ? { contactPhone: values.contactPhone, consentToCallback: true } : {}),
      },
      { ...requesterHeaders(event), ...(IdempotencyKey.safeParse(values.idempotencyKey).success ? { 'idempotency-key': values.idempotencyKey } : {}) },
    );
    if (sent.ok) redirect(303, `/m/thanks?${new URLSearchParams({ due: sent.data.due })}`);
    if (sent.status === 409) return fail(409, { values, errors: { box: t.errors.headClosed } });
    if (sent.status === 429) return fail(429, { values, errors: {}, message: t.errors.tooMany });
    if (sent.status === 400 || sent.status === 404) {
      const issues = sent.error.error.issues ?? [];
      const fields = issues.length ? issues.map((issue) => issue.field) : [sent.error.error.message.split(':')[0] ?? ''];
      const message = (field: string) => {
        const number = field === 'subject' || field === 'content' ? personalNumberIn(values[field]) : undefined;
        if (number) return number === 'mobile' ? t.errors.phoneInText : t.errors.idInText;
        return format(t.errors[field as keyof typeof t.errors], field === 'subject' ? { max: LETTER_LIMITS.subject } : limits);
      };
      const named = Object.fromEntries(fields.filter((field) => field in t.errors).map((field) => [field, message(field)]));
      if (Object.keys(named).length) return fail(sent.status, { values, errors: named });
    }
    return fail(503, { values, errors: {}, message: t.errors.unavailable });
  },
};
