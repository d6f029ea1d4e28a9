import type { Lang } from '$lib/i18n';

/** What the one-time link page says beyond the window page's own text (decision 0020). */
type Keys = 'heading' | 'serviceItem' | 'openUntil' | 'used' | 'usedBody' | 'expired' | 'expiredBody' | 'notFound' | 'notFoundBody';
export type LinkText = Record<Keys, string>;

const TEXT: Record<Lang, LinkText> = {
  zh: {
    heading: '本次办件评价',
    serviceItem: '办理事项',
    openUntil: '请在以下时间前评价',
    used: '本次办件已评价',
    usedBody: '每笔办件只能评价一次，感谢您的参与。',
    expired: '评价期已过',
    expiredBody: '本次办件的补评期已结束，无法再评价。',
    notFound: '评价链接无效',
    notFoundBody: '请核对链接是否完整，或使用窗口二维码评价。',
  },
  en: {
    heading: 'Rate this transaction',
    serviceItem: 'Service',
    openUntil: 'Please rate before',
    used: 'This transaction has already been rated',
    usedBody: 'Each transaction can be rated once. Thank you.',
    expired: 'The rating period is over',
    expiredBody: 'This transaction can no longer be rated.',
    notFound: 'This rating link is not valid',
    notFoundBody: 'Check that the link is complete, or rate through the QR code at the window.',
  },
};

export const linkText = (lang: Lang): LinkText => TEXT[lang] ?? TEXT.zh;
