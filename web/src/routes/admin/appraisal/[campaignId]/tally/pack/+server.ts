import { campaignFile } from '../campaign-file.server';
import type { RequestHandler } from './$types';

/** 下载计票数据包（JSON）: the API's tally pack (audited there), as an attachment. */
export const GET: RequestHandler = (event) => campaignFile(event);
