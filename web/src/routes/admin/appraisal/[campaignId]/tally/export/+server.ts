import { error } from '@sveltejs/kit';
import { CampaignExportFormat } from '#shared/contracts/appraisal/ballots.js';
import { appraisalMessages } from '$lib/i18n-appraisal';
import { campaignFile } from '../campaign-file.server';
import type { RequestHandler } from './$types';

/** 下载结果（XLSX / CSV / PDF）: ?format= names the file; the API makes it, audits and registers it. */
export const GET: RequestHandler = (event) => {
  const format = CampaignExportFormat.safeParse(event.url.searchParams.get('format'));
  if (!format.success) error(404, { message: appraisalMessages(event.locals.lang).errors.notFound });
  return campaignFile(event, format.data);
};
