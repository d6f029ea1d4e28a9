import { error, fail, redirect } from '@sveltejs/kit';
import { COMMENT_MAX_LENGTH } from '#shared/domain/national-survey.js';
import { format, messages } from '$lib/i18n';
import { surveyMessages } from '$lib/i18n-surveys';
import { submitLinkRating, viewRatingLink } from '$lib/server/api-rating-links';
import { ratingFormErrors, readRatingForm, toRequestBody } from '$lib/server/rating-form';
import { windowView } from '$lib/server/window-view';
import { agencyErrors, agencyRequestPart, readAgencyAnswers } from '../../w/[code]/agency-section.server';
import { linkText } from './link-text';
import type { Actions, PageServerLoad } from './$types';

/**
 * 一次一评 of a 办件 through its one-time link (decision 0020). The token is in this page's address
 * (an SMS or a QR cannot carry it otherwise and the page must work without JavaScript); the server
 * sends it to the API in a JSON body only. States: open (the form), used (本次办件已评价), expired
 * (评价期已过), unknown (404).
 */
export const load: PageServerLoad = async ({ params, locals }) => {
  const text = linkText(locals.lang);
  const found = await viewRatingLink(params.token);
  const t = messages(locals.lang);
  if (!found.ok) {
    // 4xx pages, like the API's answers: a used link is a 409, one past its 补评 period a 410.
    if (found.status === 409) error(409, { message: text.used, hint: text.usedBody });
    if (found.status === 410) error(410, { message: text.expired, hint: text.expiredBody });
    if (found.status === 404 || found.status === 400) error(404, { message: text.notFound, hint: text.notFoundBody });
    error(503, { message: t.errors.errorTitle, hint: t.ratingErrors.unavailable });
  }
  const { window, serviceItem, openUntil } = found.data;
  return {
    text,
    // Staff and 事项 come from the 办件, not from the resident: the form asks neither.
    window: { ...windowView(window, locals.lang), staffOnDuty: [], serviceItems: [] },
    serviceItem,
    openUntil: new Date(openUntil).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }),
    agencySection: window.agencySection ?? null,
    sectionT: surveyMessages(locals.lang).section,
    t: { ...t.resident, commentHint: format(t.resident.commentHint, { max: window.survey.commentMaxLength }) },
  };
};

export const actions: Actions = {
  default: async ({ params, request, locals }) => {
    const t = messages(locals.lang).ratingErrors;
    const text = linkText(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    const values = readRatingForm(form);
    const agency = readAgencyAnswers(form);
    const { windowCode: _window, serviceItem: _item, staffId: _staff, ...rating } = toRequestBody('', values);
    // The page's echo of what the link rates (decision 0020): the API then writes without reading the link first.
    const windowCode = String(form.get('linkWindowCode') ?? '');
    const serviceItem = String(form.get('linkServiceItem') ?? '');
    const rates = windowCode && serviceItem ? { rates: { windowCode, serviceItem } } : {};
    const result = await submitLinkRating(params.token, { ...rating, ...agencyRequestPart(agency), ...rates });
    if (result.ok) redirect(303, '/r/thanks');
    const { status, error: body } = result;
    if (status === 409 && body.error.code === 'RATING_LINK_USED') return fail(409, { values, answers: agency.answers, errors: {}, message: text.used });
    if (status === 410) return fail(410, { values, answers: agency.answers, errors: {}, message: text.expired });
    if (status === 400) {
      const custom = agencyErrors(body.error.issues, surveyMessages(locals.lang).section);
      const national = custom.rest.length > 0 ? ratingFormErrors(custom.rest, values, t, COMMENT_MAX_LENGTH) : { errors: {} };
      return fail(400, { values, answers: agency.answers, ...national, errors: { ...national.errors, ...custom.errors } });
    }
    const message = status === 409 ? t.notCollecting : status === 404 ? text.notFound : status >= 500 ? t.unavailable : t.invalid;
    return fail(status >= 500 ? 503 : 400, { values, answers: agency.answers, errors: {}, message });
  },
};
