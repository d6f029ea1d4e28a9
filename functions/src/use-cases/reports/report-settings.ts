import { REPORT_DEFAULTS, type ReportQuery } from '#shared/contracts/reports.js';
import { BAD_RATING_REASONS } from '#shared/domain/national-survey.js';
import type { RateDefinitionSet } from '#shared/domain/report-definitions.js';
import type { ReportSettings } from '#shared/domain/report-build.js';
import { isPeriodProblem, resolvePeriod } from '#shared/domain/report-period.js';
import { DEFAULT_SCORE_MAP, parseScoreMap } from '#shared/domain/report-score.js';
import { ValidationError } from '../../errors.js';


/** The query's period, score map and assessment scheme, checked; a bad value is a 400 naming its field. */
export function reportSettings(query: ReportQuery, definitions: RateDefinitionSet, now: Date): Omit<ReportSettings, 'extractedAt'> {
  const period = resolvePeriod(query, now);
  if (isPeriodProblem(period)) throw ValidationError.forField(period.field, period.message);
  const scoreMap = query.scoreMap === undefined ? DEFAULT_SCORE_MAP : parseScoreMap(query.scoreMap);
  if (!scoreMap) throw ValidationError.forField('scoreMap', 'must be five scores for levels 5,4,3,2,1, e.g. 100,80,60,40,20');
  const defaults = REPORT_DEFAULTS.scheme;
  const zeroAt = query.zeroAt === undefined ? defaults.zeroAt : query.zeroAt / 100;
  const fullAt = query.fullAt === undefined ? defaults.fullAt : query.fullAt / 100;
  if (fullAt <= zeroAt) throw ValidationError.forField(query.fullAt === undefined ? 'zeroAt' : 'fullAt', query.fullAt === undefined ? 'must be less than fullAt (default 100)' : 'must be greater than zeroAt');
  return {
    period,
    channel: query.channel,
    definitions,
    scoreMap,
    minN: query.minN,
    k: REPORT_DEFAULTS.suppressionK,
    commentsK: REPORT_DEFAULTS.commentsK,
    scheme: { weight: query.weight ?? defaults.weight, basis: query.basis ?? defaults.basis, zeroAt, fullAt },
    reasonLabels: BAD_RATING_REASONS,
  };
}
