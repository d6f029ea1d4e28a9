import type { Lang } from '$lib/i18n';

/** What the 阳光测评 invitation pages say beyond the window page's own text (decision 0022). */
type Keys =
  | 'pageTitle'
  | 'invites'
  | 'round'
  | 'openUntil'
  | 'heading'
  | 'answered'
  | 'answeredBody'
  | 'closed'
  | 'closedBody'
  | 'notFound'
  | 'notFoundBody'
  | 'optOutHeading'
  | 'optOutHint'
  | 'optOut'
  | 'optedOut'
  | 'optedOutBody'
  | 'thanks'
  | 'thanksBody';
export type InvitationText = Record<Keys, string>;

const TEXT: Record<Lang, InvitationText> = {
  zh: {
    pageTitle: '阳光测评',
    invites: '{unit} 邀请您对近期办理的业务进行评价',
    round: '测评名称',
    openUntil: '请在以下时间前评价',
    heading: '请对您近期办理的业务进行评价',
    answered: '您已参加本次测评',
    answeredBody: '感谢您的支持。每人只能评价一次，您的评价已经提交。',
    closed: '本次测评已截止',
    closedBody: '本次测评已结束，无法再评价。感谢您的关注。',
    notFound: '测评链接无效',
    notFoundBody: '请核对短信中的链接是否完整。',
    optOutHeading: '不想参加？',
    optOutHint: '退订后，本次测评不会再向您发送提醒短信。',
    optOut: '不再接收本次测评短信',
    optedOut: '已退订',
    optedOutBody: '已退订，本次测评不会再向您发送短信。',
    thanks: '感谢您的评价',
    thanksBody: '您的评价已提交，感谢您参加阳光测评。我们会认真对待每一条意见。',
  },
  en: {
    pageTitle: 'Service survey',
    invites: '{unit} invites you to rate a service you used recently',
    round: 'Survey',
    openUntil: 'Please answer before',
    heading: 'Please rate the service you used recently',
    answered: 'You have already taken part in this survey',
    answeredBody: 'Thank you for your support. Each person answers once; your answer has been sent.',
    closed: 'This survey is closed',
    closedBody: 'This survey has ended and no longer takes answers. Thank you.',
    notFound: 'This survey link is not valid',
    notFoundBody: 'Check that the link in the text message is complete.',
    optOutHeading: 'Rather not take part?',
    optOutHint: 'After you unsubscribe, this survey sends you no more reminders.',
    optOut: 'Stop text messages about this survey',
    optedOut: 'Unsubscribed',
    optedOutBody: 'You are unsubscribed: this survey will send you no more text messages.',
    thanks: 'Thank you for your answer',
    thanksBody: 'Your answer has been sent. Thank you for taking part.',
  },
};

export const invitationText = (lang: Lang): InvitationText => TEXT[lang] ?? TEXT.zh;
