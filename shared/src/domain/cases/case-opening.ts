import { DEFAULT_DEADLINE_DAYS, opensCase } from './case-state.js';
import { addWorkingDays } from './working-days.js';

/** What a new case needs besides its rating: when its verification is due (and the years counted Monday–Friday). */
export interface CaseOpening {
  due: string;
  uncoveredYears: number[];
}

/**
 * Whether a rating opens a case, and when its verification is due: a rating at 不满意 or 非常不满意
 * opens one, due `verifyDays` working days after the rating's day (decision 0028); others open none.
 */
export function caseOpening(level: number, day: string, verifyDays: number = DEFAULT_DEADLINE_DAYS.verify): CaseOpening | undefined {
  if (!opensCase(level)) return undefined;
  const { day: due, uncoveredYears } = addWorkingDays(day, verifyDays);
  return { due, uncoveredYears };
}
