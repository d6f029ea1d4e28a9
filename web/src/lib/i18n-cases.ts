import type { CaseView } from '#shared/contracts/cases/cases.js';
import { CASE_STATE_LABELS } from '#shared/domain/cases/case-state.js';
import type { Lang } from './i18n';

/**
 * Strings of the 差评整改 pages (issue 15; docs/decisions/0028): a unit's queue and one case. The
 * states' Chinese names are the domain's (CASE_STATE_LABELS, allowed to web by decision 0011), the
 * words of the API's 409 messages.
 */
type State = CaseView['state'];

const zh = {
  title: '差评整改',
  intro: '每一条“不满意”“非常不满意”的评价都会生成一件整改事项，由被评价窗口所在单位核实、整改或说明，并回访评价人（谁办理、谁负责）。期限按工作日计算（含法定节假日和调休）。',
  unit: '单位',
  state: '状态',
  allStates: '全部状态',
  overdueOnly: '只看超期',
  show: '查看',
  empty: '没有符合条件的整改事项。',
  next: '下一页',
  columns: { day: '评价日期', window: '窗口', level: '评价', state: '状态', due: '期限' },
  levels: { 1: '非常不满意', 2: '不满意' } as Record<number, string>,
  overdue: '超期',
  suspect: '可疑',
  states: CASE_STATE_LABELS as Record<State, string>,
  // One case
  back: '返回整改列表',
  caseTitle: '整改事项',
  facts: { window: '窗口', day: '评价日期', level: '评价等级', reasons: '不满意原因', comment: '留言', channel: '渠道', contact: '评价人', due: '当前期限', reopened: '重新办理次数' },
  channels: { 'window-qr': '窗口二维码', 'service-record': '办件短信链接', sampling: '阳光测评' } as Record<string, string>,
  named: '留有联系方式（实名差评，可回访）',
  anonymous: '匿名（未留联系方式）',
  dueNone: '当前状态不计期限',
  uncovered: '{years} 年的节假日安排尚未收录，期限暂按周一至周五计算，可能调整。',
  stepTitle: '办理',
  stepTo: '下一步',
  stepNote: '办理情况',
  stepNoteHint: '写明核实、整改或说明的情况（申诉须写明理由）；记入本事项的办理记录。',
  stepButton: '提交',
  stepDone: '已提交。',
  final: '本事项已结束，不能再办理。',
  historyTitle: '办理记录',
  historyEmpty: '尚无办理记录。',
  historyLine: '{from} → {to}',
  historyDue: '期限 {due}',
  readOnly: '您可以查看整改事项，办理由被评价单位的管理员进行。',
  appealHint: '申诉由上级单位复核，本单位不能自行决定。',
  errors: {
    note: '请填写办理情况。',
    to: '请选择下一步。',
    forbidden: '您无权进行此操作（申诉须由上级单位复核，申诉人不能自行决定）。',
    conflict: '事项状态已变化，请刷新后再办理：{message}',
    notFound: '找不到该整改事项，或它不在您的管理范围内。',
    unitNotFound: '找不到该单位，或它不在您的管理范围内。',
    unavailable: '服务暂时不可用，请稍后再试。',
  },
};

export type CaseMessages = typeof zh;

const en: CaseMessages = {
  title: 'Bad-rating cases',
  intro: 'Every rating of “dissatisfied” or “very dissatisfied” opens a case for the unit of the window rated: it verifies, fixes or explains, and calls the resident back. Deadlines are in working days (statutory holidays and make-up days included).',
  unit: 'Unit',
  state: 'State',
  allStates: 'All states',
  overdueOnly: 'Overdue only',
  show: 'Show',
  empty: 'No cases match.',
  next: 'Next page',
  columns: { day: 'Rated on', window: 'Window', level: 'Rating', state: 'State', due: 'Due' },
  levels: { 1: 'Very dissatisfied', 2: 'Dissatisfied' },
  overdue: 'Overdue',
  suspect: 'Suspect',
  states: {
    pending: 'To verify',
    immediate: 'Fixing now',
    deadline: 'Fixing by a deadline',
    explained: 'Explained',
    fixed: 'Fixed',
    'called-back': 'Called back',
    closed: 'Closed',
    appealing: 'Appealed',
    'appeal-upheld': 'Appeal upheld',
    'appeal-rejected': 'Appeal rejected',
  },
  back: 'Back to the cases',
  caseTitle: 'Case',
  facts: { window: 'Window', day: 'Rated on', level: 'Rating', reasons: 'Reasons', comment: 'Comment', channel: 'Channel', contact: 'Resident', due: 'Due', reopened: 'Reopened' },
  channels: { 'window-qr': 'Window QR code', 'service-record': 'Service-record link', sampling: 'Sampling round' },
  named: 'Left a number for a call back',
  anonymous: 'Anonymous (no number left)',
  dueNone: 'No deadline in this state',
  uncovered: 'The holidays of {years} are not in the calendar yet: Monday–Friday counted; the due day may move.',
  stepTitle: 'Next step',
  stepTo: 'Go to',
  stepNote: 'What was done',
  stepNoteHint: 'What was verified, fixed or explained (an appeal needs its reason); kept in the case’s record.',
  stepButton: 'Submit',
  stepDone: 'Done.',
  final: 'This case is finished.',
  historyTitle: 'Steps',
  historyEmpty: 'No steps yet.',
  historyLine: '{from} → {to}',
  historyDue: 'due {due}',
  readOnly: 'You may read cases; the administrators of the unit rated work them.',
  appealHint: 'An appeal is decided by a superior unit, never the case’s own.',
  errors: {
    note: 'Say what was done.',
    to: 'Choose the next step.',
    forbidden: 'You may not do this (an appeal is decided by a superior unit, never by the account that appealed).',
    conflict: 'The case has changed; refresh and try again: {message}',
    notFound: 'No such case in your scope.',
    unitNotFound: 'No such unit in your scope.',
    unavailable: 'The service is unavailable; please try again later.',
  },
};

export function caseMessages(lang: Lang): CaseMessages {
  return lang === 'en' ? en : zh;
}
