import type { WindowCard } from '#shared/contracts/window-card.js';
import type { Lang } from '$lib/i18n';

/**
 * The window card as the resident page needs it: one language, and no ids but the staff on duty's
 * (the rating form's 为您服务的工作人员 posts one as staffId). The page's data is serialised into
 * its HTML, and the resident page must stay under 15 KB on a slow phone network.
 */
export interface WindowView {
  code: string;
  name: string;
  active: boolean;
  unitName: string;
  /** Ancestor units, top first, without the unit itself: 江南省 · 清河市 · 临江县. */
  unitAncestors: string[];
  hallName: string;
  hallAddress: string;
  staffOnDuty: WindowCard['staffOnDuty'];
  levels: { level: number; name: string }[];
  indicators: { code: string; name: string }[];
  reasons: { code: string; name: string }[];
  commentMaxLength: number;
  /** Names of the window's service items (事项); empty: the page asks nothing about them. */
  serviceItems: string[];
}

export function windowView(card: WindowCard, lang: Lang): WindowView {
  const { unit, hall, survey } = card;
  return {
    code: card.code,
    name: card.name,
    active: card.active,
    unitName: unit.name,
    unitAncestors: unit.path.at(-1) === unit.name ? unit.path.slice(0, -1) : unit.path,
    hallName: hall.name,
    hallAddress: hall.address,
    staffOnDuty: card.staffOnDuty,
    levels: survey.levels.map(({ level, name }) => ({ level, name: name[lang] })),
    indicators: survey.indicators.map(({ code, name }) => ({ code, name: name[lang] })),
    reasons: survey.reasons.map(({ code, name }) => ({ code, name: name[lang] })),
    commentMaxLength: survey.commentMaxLength,
    // Unique names: the page keys its choices by name, and two equal choices would mean nothing.
    serviceItems: [...new Set(card.serviceItems ?? [])],
  };
}
