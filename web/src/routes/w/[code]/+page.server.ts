import { randomUUID } from 'node:crypto';
import { error, fail, redirect } from '@sveltejs/kit';
import { COMMENT_MAX_LENGTH } from '#shared/domain/national-survey.js';
import { format, messages, type Messages } from '$lib/i18n';
import { surveyMessages } from '$lib/i18n-surveys';
import { mailboxMessages } from '$lib/i18n-mailbox';
import * as api from '$lib/server/api';
import { ratingFormErrors, readRatingForm, toRequestBody } from '$lib/server/rating-form';
import { deviceId, requesterHeaders } from '$lib/server/requester';
import { windowView } from '$lib/server/window-view';
import { agencyErrors, agencyRequestPart, readAgencyAnswers } from './agency-section.server';
import { noteFollowUp } from './follow-up.server';
import type { Actions, PageServerLoad } from './$types';

/** What a resident is told when the API refuses a rating for a reason other than a field. */
const OTHER_FAILURES: Record<number, (m: Messages) => string> = {
  404: (m) => m.errors.windowNotFoundTitle,
  409: (m) => m.ratingErrors.notCollecting,
  422: (m) => m.ratingErrors.alreadySubmitted,
  429: (m) => m.ratingErrors.tooMany,
};

export const load: PageServerLoad = async ({ params, locals, cookies, url }) => {
  const t = messages(locals.lang);
  // One random id per browser (first-party cookie): at most one rating of a window per interval.
  deviceId(cookies, url.protocol === 'https:');
  const card = await api.getWindowCard(params.code);
  if (!card.ok) {
    // 400 is a code that cannot exist (wrong shape): for a resident that is the same as unknown.
    if (card.status === 404 || card.status === 400) {
      error(404, { message: t.errors.windowNotFoundTitle, hint: t.errors.windowNotFoundBody });
    }
    error(503, { message: t.errors.errorTitle, hint: t.ratingErrors.unavailable });
  }
  return {
    window: windowView(card.data, locals.lang),
    // The agency's own questions (if its unit or an ancestor published some), after the national part.
    agencySection: card.data.agencySection ?? null,
    sectionT: surveyMessages(locals.lang).section,
    // Generated here, not in the browser, so that a double submit without JavaScript is one rating.
    idempotencyKey: randomUUID(),
    t: { ...t.resident, commentHint: format(t.resident.commentHint, { max: card.data.survey.commentMaxLength }) },
    // The public mailbox of the window's unit (decision 0029), the window already chosen.
    mailbox: { href: `/m?${new URLSearchParams({ unit: card.data.unit.id, window: card.data.code })}`, text: format(mailboxMessages(locals.lang).fromWindow, { unit: card.data.unit.name }) },
  };
};

export const actions: Actions = {
  // The default action, posted to /w/{code} itself: a refused rating is shown again at the page's
  // own address (a named action would leave `?/rate` in the address bar after a post without JavaScript).
  default: async (event) => {
    const { params, request, locals, cookies, url } = event;
    const t = messages(locals.lang).ratingErrors;
    // A broken multipart body is the sender's problem, not a server error: treat it as empty.
    const form = await request.formData().catch(() => new FormData());
    const values = readRatingForm(form);
    const agency = readAgencyAnswers(form);
    const result = await api.submitRating(
      { ...toRequestBody(params.code, values), ...agencyRequestPart(agency) },
      values.idempotencyKey,
      requesterHeaders(event, { device: true }),
      locals.sessionToken,
    );
    if (result.ok) {
      noteFollowUp(cookies, params.code, values.level, url.protocol === 'https:');
      redirect(303, `/w/${encodeURIComponent(params.code)}/thanks`);
    }
    // This phone rated this window a short while ago: nothing was written; say so kindly.
    if (result.status === 429 && result.error.error.code === 'RATED_RECENTLY') redirect(303, `/w/${encodeURIComponent(params.code)}/recent`);
    if (result.status === 403) return fail(403, { values, answers: agency.answers, errors: {}, message: t.signedIn });

    const { status, error: body } = result;
    if (status === 400) {
      const custom = agencyErrors(body.error.issues, surveyMessages(locals.lang).section);
      const national = custom.rest.length > 0 ? ratingFormErrors(custom.rest, values, t, COMMENT_MAX_LENGTH) : { errors: {} };
      return fail(400, { values, answers: agency.answers, ...national, errors: { ...national.errors, ...custom.errors } });
    }
    const message = OTHER_FAILURES[status]?.(messages(locals.lang)) ?? (status >= 500 ? t.unavailable : t.invalid);
    return fail(status >= 500 ? 503 : 400, { values, answers: agency.answers, errors: {}, message });
  },
};
