import type { Lang } from './i18n';

/** The resident's 回访 page (/h/{token}, issue 15 §2): Chinese first, English available. */
const zh = {
  title: '服务回访',
  intro: '您于 {day} 对{unit}“{window}”的评价，该单位已处理：',
  introLetter: '您于 {day} 写给{unit}的来信，该单位已处理：',
  handled: { fixed: '已整改', explained: '已解释说明' } as Record<string, string>,
  result: '您对处理结果是否满意？',
  results: { satisfied: '满意', unsatisfied: '不满意' } as Record<string, string>,
  resolved: '您反映的问题是否已经解决？',
  resolvedOptions: { yes: '已解决', partly: '部分解决', no: '未解决' } as Record<string, string>,
  comment: '还想告诉我们什么（选填，300 字以内）',
  submit: '提交',
  openUntil: '本链接 {until} 前有效，只能提交一次。不满意时，该单位将重新核实处理。',
  errors: { result: '请选择是否满意。', resolved: '请选择问题是否已解决。', comment: '请不超过 300 字。', unavailable: '暂时无法提交，请稍后再试。' },
  used: '本次回访已记录',
  usedBody: '感谢您的反馈，这条链接已使用过。',
  expired: '回访期已过',
  expiredBody: '这条链接已过有效期。',
  notFound: '链接无效',
  notFoundBody: '请核对短信中的链接是否完整。',
  thanksTitle: '感谢您的反馈',
  thanksBody: '您的回访意见已记录。',
};
export type RecoveryMessages = typeof zh;

const en: RecoveryMessages = {
  title: 'Follow-up',
  intro: 'Your rating of {day} of “{window}” of {unit} has been handled:',
  introLetter: 'Your letter of {day} to {unit} has been handled:',
  handled: { fixed: 'fixed', explained: 'explained' },
  result: 'Are you satisfied with how it was handled?',
  results: { satisfied: 'Satisfied', unsatisfied: 'Not satisfied' },
  resolved: 'Is your problem resolved?',
  resolvedOptions: { yes: 'Resolved', partly: 'Partly', no: 'Not resolved' },
  comment: 'Anything else (optional, at most 300 characters)',
  submit: 'Send',
  openUntil: 'This link is open until {until} and can be used once. If you are not satisfied, the unit looks into it again.',
  errors: { result: 'Say whether you are satisfied.', resolved: 'Say whether it is resolved.', comment: 'At most 300 characters.', unavailable: 'Cannot send now; please try again later.' },
  used: 'Already recorded',
  usedBody: 'Thank you: this link was used.',
  expired: 'Link expired',
  expiredBody: 'This link is past its days.',
  notFound: 'Unknown link',
  notFoundBody: 'Check that the link from the text message is complete.',
  thanksTitle: 'Thank you',
  thanksBody: 'Your answer is recorded.',
};

export const recoveryMessages = (lang: Lang): RecoveryMessages => (lang === 'en' ? en : zh);
