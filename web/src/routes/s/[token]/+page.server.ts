import { error, fail, redirect } from '@sveltejs/kit';
import { COMMENT_MAX_LENGTH } from '#shared/domain/national-survey.js';
import { format, messages, pick } from '$lib/i18n';
import { surveyMessages } from '$lib/i18n-surveys';
import { ratingFormErrors, readRatingForm, toRequestBody } from '$lib/server/rating-form';
import { agencyErrors, agencyRequestPart, readAgencyAnswers } from '../../w/[code]/agency-section.server';
import { optOutInvitation, submitInvitationRating, viewInvitation } from './invitation-api.server';
import { invitationText } from './invitation-text';
import type { Actions, PageServerLoad } from './$types';

/**
 * A 阳光测评 invitation (issue 13 §4, decision 0022): the person drawn answers the national
 * questions (and the agency's section, if the round names one) once. The token is in this page's
 * address, like a 办件's one-time link (an SMS cannot carry it otherwise and the page must work
 * without JavaScript); the server sends it to the API in a JSON body only. States: open (the form),
 * answered (409, 您已参加本次测评), closed (410, 本次测评已截止), unknown (404); none writes anything.
 */
export const load: PageServerLoad = async ({ params, locals }) => {
  const text = invitationText(locals.lang);
  const t = messages(locals.lang);
  const found = await viewInvitation(params.token);
  if (!found.ok) {
    if (found.status === 409) error(409, { message: text.answered, hint: text.answeredBody });
    if (found.status === 410) error(410, { message: text.closed, hint: text.closedBody });
    if (found.status === 404 || found.status === 400) error(404, { message: text.notFound, hint: text.notFoundBody });
    error(503, { message: t.errors.errorTitle, hint: t.ratingErrors.unavailable });
  }
  const { round, openUntil, survey, agencySection } = found.data;
  const lang = locals.lang;
  return {
    text,
    round,
    invites: format(text.invites, { unit: round.unitName }),
    openUntil: new Date(openUntil).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }),
    // One language only: the page's data is serialised into its HTML, read on slow phone networks.
    survey: {
      levels: survey.levels.map(({ level, name }) => ({ level, name: pick(lang, name) })),
      indicators: survey.indicators.map(({ code, name }) => ({ code, name: pick(lang, name) })),
      reasons: survey.reasons.map(({ code, name }) => ({ code, name: pick(lang, name) })),
      commentMaxLength: survey.commentMaxLength,
    },
    agencySection: agencySection ?? null,
    sectionT: surveyMessages(lang).section,
    t: { ...t.resident, commentHint: format(t.resident.commentHint, { max: survey.commentMaxLength }) },
  };
};

export const actions: Actions = {
  rate: async ({ params, request, locals }) => {
    const t = messages(locals.lang).ratingErrors;
    const text = invitationText(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    const values = readRatingForm(form);
    const agency = readAgencyAnswers(form);
    // What the invitation fixes is not asked: who, which window, which 事项, and no 回访 number.
    const { windowCode: _w, serviceItem: _i, staffId: _s, contactPhone: _p, consentToCallback: _c, ...rating } = toRequestBody('', values);
    const result = await submitInvitationRating(params.token, { ...rating, ...agencyRequestPart(agency) });
    if (result.ok) redirect(303, '/s/thanks');
    const echo = { values, answers: agency.answers };
    const { status, error: body } = result;
    if (status === 409) return fail(409, { ...echo, errors: {}, message: text.answered });
    if (status === 410) return fail(410, { ...echo, errors: {}, message: text.closed });
    if (status === 400) {
      const custom = agencyErrors(body.error.issues, surveyMessages(locals.lang).section);
      const national = custom.rest.length > 0 ? ratingFormErrors(custom.rest, values, t, COMMENT_MAX_LENGTH) : { errors: {} };
      return fail(400, { ...echo, ...national, errors: { ...national.errors, ...custom.errors } });
    }
    const message = status === 404 ? text.notFound : status >= 500 ? t.unavailable : t.invalid;
    return fail(status >= 500 ? 503 : 400, { ...echo, errors: {}, message });
  },

  /** 退订: no further message of this round. Repeating it is harmless, and the answer names no token. */
  optOut: async ({ params, locals }) => {
    const text = invitationText(locals.lang);
    const result = await optOutInvitation(params.token);
    if (result.ok) redirect(303, '/s/opted-out');
    const message = result.status === 410 ? text.closed : result.status === 404 || result.status === 400 ? text.notFound : messages(locals.lang).ratingErrors.unavailable;
    return fail(result.status >= 500 ? 503 : result.status === 410 ? 410 : 400, { message });
  },
};
