import type { RoundConfig } from '#shared/contracts/sampling/rounds.js';
import { roundCaseAnswers } from '#shared/domain/cases/round-cases.js';
import type { CaseDeadlines } from '#shared/domain/cases/deadlines.js';
import { addWorkingDays } from '#shared/domain/cases/working-days.js';
import { chinaDay } from '#shared/domain/china-time.js';
import type { CaseRecord, CaseStore } from '../../data/cases/cases.js';
import type { InvitationStore } from '../../data/sampling-invitations.js';
import type { RoundRecord } from '../../data/sampling-rounds.js';
import type { UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import { deadlinesForPath } from './deadlines.js';

/**
 * A closed 阳光测评 round's 差评 become cases (issue 15 §1; decision 0030): at the close, all at
 * once, in the strata with at least k answers (roundCaseAnswers). Each case is the answer's own id,
 * so a close run again opens none twice. Where it belongs follows the round's strata: by unit, that
 * unit; by window, the window's unit (and the window); by service item, the round's unit. It holds
 * the answer's level, reasons and comment, the round, and the close's day — nothing else: the
 * answer has no person, entry or day to give, and the case gets none.
 */
export interface RoundCaseDeps {
  invitations: Pick<InvitationStore, 'answers'>;
  units: Pick<UnitStore, 'getMany'>;
  windows: Pick<WindowStore, 'getMany'>;
  cases: Pick<CaseStore, 'openRoundCases' | 'deadlineSettings'>;
  now: () => Date;
}

export async function openRoundCases(deps: RoundCaseDeps, round: RoundRecord): Promise<{ opened: number; withheldStrata: number }> {
  const { opening, withheldStrata } = roundCaseAnswers(await deps.invitations.answers(round.roundId));
  if (opening.length === 0) return { opened: 0, withheldStrata };
  const strataBy = (round.config as unknown as RoundConfig).strataBy ?? 'unit';
  const strata = [...new Set(opening.map(({ answer }) => answer.stratum))];
  const windows = strataBy === 'window' ? await deps.windows.getMany(strata) : new Map();
  const unitIds = [...new Set([round.unitId, ...(strataBy === 'unit' ? strata : [...windows.values()].map((window) => window.unitId))])];
  const units = await deps.units.getMany(unitIds);
  // The close's own day, however often (and on whichever day) the close runs: all cases alike.
  const today = chinaDay(round.closedAt ? new Date(round.closedAt) : deps.now());
  const deadlines = new Map<string, Promise<CaseDeadlines>>();
  const verifyDue = (unitId: string) => {
    if (!deadlines.has(unitId)) deadlines.set(unitId, deadlinesForPath(deps, units.get(unitId)?.path ?? [unitId]).then((found) => found.deadlines));
    return deadlines.get(unitId)!;
  };
  const records: CaseRecord[] = [];
  for (const { answer, keepComment } of opening) {
    const window = strataBy === 'window' ? windows.get(answer.stratum) : undefined;
    // A stratum whose unit is gone (or 无窗口) is the round's own unit's to answer for.
    const unitId = strataBy === 'unit' && units.has(answer.stratum) ? answer.stratum : (window?.unitId ?? round.unitId);
    const due = addWorkingDays(today, (await verifyDue(unitId)).verify);
    records.push({
      caseId: answer.id,
      unitId,
      ...(window ? { windowCode: window.code, hallId: window.hallId } : {}),
      day: today,
      level: answer.level,
      ...(answer.reasons?.length ? { reasons: answer.reasons } : {}),
      ...(keepComment && answer.comment ? { comment: answer.comment } : {}),
      channel: 'sampling',
      roundId: round.roundId,
      state: 'pending',
      due: due.day,
      ...(due.uncoveredYears.length ? { dueUncoveredYears: due.uncoveredYears } : {}),
      reopened: 0,
      updatedAt: `${today}T00:00:00.000Z`,
    });
  }
  return { opened: await deps.cases.openRoundCases(records), withheldStrata };
}
