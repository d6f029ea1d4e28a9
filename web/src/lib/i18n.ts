/**
 * The UI's words, Chinese first. No library: two languages, a few dozen strings per page.
 *
 * Server loads pick the strings a page needs and return them as `data.t`, so a page ships only its
 * own strings in its own language and no dictionary ends up in the browser's JavaScript (the
 * resident page has a 35 KB budget). Domain terms (levels, indicators, reasons) come with the
 * survey from the API or from the shared domain, never from here.
 */
export type Lang = 'zh' | 'en';

export const DEFAULT_LANG: Lang = 'zh';
export const LANG_COOKIE = 'lang';

/** Value of `<html lang>` per language. */
export const HTML_LANG: Record<Lang, string> = { zh: 'zh-CN', en: 'en' };

export function isLang(value: unknown): value is Lang {
  return value === 'zh' || value === 'en';
}

/** A bilingual domain term as the shared contracts carry it: `{ zh: '满意', en: 'Satisfied' }`. */
export function pick(lang: Lang, term: { zh: string; en: string }): string {
  return term[lang];
}

const zh = {
  /** Strings of the layout and the error page, sent with every page: keep it short. */
  common: {
    siteName: '满意',
    switchLanguage: 'English',
    switchLanguageLabel: 'Switch to English',
    /** The pages' meta description (search engines, link previews). */
    metaDescription: '满意：政务服务“好差评”与满意度评价。扫码评价窗口服务，考核委员会查看带计算说明的满意率报表，下载文件可在线校验。',
    home: '返回首页',
    errorBody: '页面暂时无法显示，请稍后再试。',
    notFoundBody: '请核对链接是否正确。',
  },
  /** Titles and hints of error pages, chosen on the server. */
  errors: {
    errorTitle: '出错了',
    notFoundTitle: '页面不存在',
    windowNotFoundTitle: '未找到该窗口',
    windowNotFoundBody: '请核对二维码或链接是否正确，或咨询大厅工作人员。',
  },
  landing: {
    title: '满意 · 政务服务满意度评价',
    lead: '“满意”帮助政务服务中心和窗口单位收集群众对每一次服务的评价，并把结果连同计算方法一起交给考核委员会。',
    residentHint: '群众请扫描窗口处的二维码进行评价。',
    login: '管理员登录',
  },
  resident: {
    pageTitle: '服务评价',
    staffHeading: '在岗工作人员',
    noStaff: '暂无在岗工作人员信息。',
    staffNo: '工号',
    post: '岗位',
    duties: '职责',
    pledge: '服务承诺',
    formHeading: '请对本次服务进行评价',
    levelLegend: '您对本次服务满意吗？（必选）',
    indicatorsHeading: '分项评价（选填）',
    optional: '（选填）',
    reasonsLegend: '如选择不满意或非常不满意，请选择原因',
    reasonsHint: '可多选',
    serviceItemLegend: '您办理的事项（可不选）',
    serviceItemNone: '不选',
    servedByLegend: '为您服务的工作人员',
    servedByHint: '记得是哪位为您办理就请选择；不确定时，评价只计入窗口，不计入任何人。',
    servedByUnsure: '不确定 / 未注意',
    commentLabel: '意见或建议（选填）',
    commentHint: '最多 {max} 字',
    callbackLegend: '电话回访（选填）',
    phoneLabel: '手机号码',
    phoneHint: '仅用于工作人员回访，加密保存，不会公开。',
    consentLabel: '同意工作人员就本次评价回访我',
    submit: '提交评价',
    inactive: '该窗口目前暂停评价。如需反映问题，请咨询大厅工作人员。',
    errorSummary: '评价未提交，请修改以下内容：',
    optionalIntro: '以下各项可不填，点开即可补充：',
  },
  /** Messages the rating action puts next to fields; only the server needs them. */
  ratingErrors: {
    notCollecting: '该窗口目前暂停评价，您的评价未提交。',
    alreadySubmitted: '本次评价已经提交过。如需再次评价，请重新打开本页面。',
    unavailable: '服务暂时不可用，您填写的内容已保留，请稍后再提交。',
    tooMany: '提交过于频繁，请稍后再试。',
    signedIn: '您当前已登录本系统的工作人员或管理账号，不能进行评价。请先退出登录。',
    invalid: '提交的内容有误，请检查后重试。',
    levelRequired: '请选择满意程度',
    indicatorInvalid: '请从五个等级中选择一项',
    reasonsOnlyForBad: '仅在不满意时选择原因',
    commentTooLong: '意见不超过{max}字',
    commentInvalid: '意见中含有无法识别的字符',
    commentHasNumber: '意见中请不要填写手机号或身份证号；需要回访请在“电话回访（选填）”中填写手机号（加密保存）。',
    phoneInvalid: '请输入11位手机号码',
    serviceItemInvalid: '请从本窗口的事项中选择一项，或选择“不选”',
    servedByInvalid: '请从在岗工作人员中选择一位，或选择“不确定 / 未注意”',
    consentRequired: '留下电话需勾选同意回访',
  },
  recent: {
    title: '您刚刚已评价过本窗口',
    body: '为防止重复提交，同一台手机在一段时间内只能评价同一窗口一次。您之前的评价已经收到，感谢您的参与！',
    backToWindow: '返回窗口页面',
  },
  thanks: {
    thanksTitle: '感谢您的评价',
    thanksBody: '您的评价已提交。我们会认真对待每一条意见。',
    followUp: '您的评价将转交该窗口所在单位核实，由单位跟进处理。',
    backToWindow: '返回窗口页面',
  },
  account: {
    loginTitle: '管理员登录',
    username: '用户名',
    password: '密码',
    login: '登录',
    usernameRequired: '请输入用户名',
    passwordRequired: '请输入密码',
    invalidCredentials: '用户名或密码错误',
    unavailable: '服务暂时不可用，请稍后再试。',
    logoutTitle: '退出登录',
    logoutQuestion: '确定要退出登录吗？',
    logout: '退出登录',
    backToAdmin: '返回',
  },
  results: {
    pageTitle: '满意度结果',
    filterLegend: '查询条件',
    window: '窗口',
    from: '开始日期',
    to: '结束日期',
    show: '查询',
    noWindows: '您暂无可查看的窗口。',
    nextWindows: '下一页窗口',
    firstWindows: '回到第一页窗口',
    period: '统计期间',
    periodValue: '{from} 至 {to}（北京时间）',
    n: '有效评价数',
    level: '评价等级',
    count: '数量',
    countsCaption: '各等级评价数量',
    interval: '95% 置信区间 {low}–{high}',
    noRatings: '暂无评价',
    invalidQuery: '查询条件有误：',
    invalidDay: '请输入有效日期',
    toBeforeFrom: '结束日期不能早于开始日期',
    rangeTooLong: '查询期间不能超过366天',
    unknownWindow: '未找到该窗口',
    forbidden: '您的账号无权查看满意度结果。',
    unavailable: '服务暂时不可用，请稍后再试。',
    ratio: '{numerator} / {n}',
    definition: '口径',
    smallGroup: '<{k}',
    hidden: '已隐藏',
    suppressedNote: '此期间该窗口的评价数少于 {k} 条，为保护评价人，不显示数量和比率。可放宽日期范围后再查询。',
    suppressionTitle: '小样本保护规则',
    fullReport: '查看该窗口同期的满意度报表（按人员、服务事项、月份）',
  },
};

export type Messages = typeof zh;

const en: Messages = {
  common: {
    siteName: 'Manyi',
    switchLanguage: '中文',
    switchLanguageLabel: '切换到中文',
    metaDescription: 'Manyi: satisfaction ratings of public-service windows. Residents rate a window by QR code; committees read satisfaction reports with their arithmetic; downloaded files can be verified online.',
    home: 'Home',
    errorBody: 'This page cannot be shown right now. Please try again later.',
    notFoundBody: 'Please check the link.',
  },
  errors: {
    errorTitle: 'Something went wrong',
    notFoundTitle: 'Page not found',
    windowNotFoundTitle: 'Window not found',
    windowNotFoundBody: 'Please check the QR code or link, or ask the staff in the hall.',
  },
  landing: {
    title: 'Manyi · satisfaction with public services',
    lead: 'Manyi collects what residents think of each service they receive at a government service window, and gives the results, with how they were computed, to the assessment committee.',
    residentHint: 'Residents: scan the QR code at the window to rate the service.',
    login: 'Administrator login',
  },
  resident: {
    pageTitle: 'Rate the service',
    staffHeading: 'Staff on duty',
    noStaff: 'No staff information available.',
    staffNo: 'Staff no.',
    post: 'Post',
    duties: 'Duties',
    pledge: 'Service pledge',
    formHeading: 'How was the service today?',
    levelLegend: 'Overall, how satisfied are you? (required)',
    indicatorsHeading: 'In detail (optional)',
    optional: ' (optional)',
    reasonsLegend: 'If you are dissatisfied or very dissatisfied, please choose why',
    reasonsHint: 'Choose any that apply',
    serviceItemLegend: 'What did you come for? (optional)',
    serviceItemNone: 'Rather not say',
    servedByLegend: 'Who served you?',
    servedByHint: 'If you remember who served you, choose them; if not, the rating counts for the window only, for nobody in person.',
    servedByUnsure: 'Not sure / did not notice',
    commentLabel: 'Comments (optional)',
    commentHint: 'At most {max} characters',
    callbackLegend: 'Call back (optional)',
    phoneLabel: 'Mobile number',
    phoneHint: 'Only for a call back about this rating; stored encrypted, never published.',
    consentLabel: 'I agree to be called back about this rating',
    submit: 'Submit',
    inactive: 'This window is not collecting ratings at the moment. Please ask the staff in the hall.',
    errorSummary: 'Your rating was not sent. Please correct the following:',
    optionalIntro: 'Everything below is optional; open an item to add to your rating:',
  },
  ratingErrors: {
    notCollecting: 'This window is not collecting ratings at the moment; your rating was not sent.',
    alreadySubmitted: 'This rating has already been sent. To rate again, please reopen this page.',
    unavailable: 'The service is unavailable. Your answers are kept; please try again later.',
    tooMany: 'Too many submissions; please try again later.',
    signedIn: 'You are signed in to a staff or administrator account of this system and cannot rate. Please sign out first.',
    invalid: 'Something in the form is not right; please check and try again.',
    levelRequired: 'Please choose how satisfied you are',
    indicatorInvalid: 'Please choose one of the five levels',
    reasonsOnlyForBad: 'Reasons are only for a dissatisfied rating',
    commentTooLong: 'At most {max} characters',
    commentInvalid: 'The comment contains characters that cannot be accepted',
    commentHasNumber: 'No phone or ID numbers in the comment, please: to be called back, leave your number under “Call back (optional)” (stored encrypted).',
    phoneInvalid: 'Please enter an 11-digit mobile number',
    serviceItemInvalid: "Please choose one of this window's services, or “Rather not say”",
    servedByInvalid: 'Please choose one of the staff on duty, or “Not sure / did not notice”',
    consentRequired: 'Please agree to a call back, or leave the number empty',
  },
  recent: {
    title: 'You have just rated this window',
    body: 'To prevent repeated submissions, one phone can rate the same window only once in a while. Your earlier rating has been received; thank you!',
    backToWindow: 'Back to the window page',
  },
  thanks: {
    thanksTitle: 'Thank you for your rating',
    thanksBody: 'Your rating has been sent. Every comment is read.',
    followUp: 'Your rating will be passed to the unit that runs this window, which will look into it and follow up.',
    backToWindow: 'Back to the window page',
  },
  account: {
    loginTitle: 'Administrator login',
    username: 'Username',
    password: 'Password',
    login: 'Log in',
    usernameRequired: 'Please enter your username',
    passwordRequired: 'Please enter your password',
    invalidCredentials: 'Wrong username or password',
    unavailable: 'The service is unavailable; please try again later.',
    logoutTitle: 'Log out',
    logoutQuestion: 'Do you want to log out?',
    logout: 'Log out',
    backToAdmin: 'Back',
  },
  results: {
    pageTitle: 'Satisfaction results',
    filterLegend: 'Query',
    window: 'Window',
    from: 'From',
    to: 'To',
    show: 'Show',
    noWindows: 'There are no windows you may see.',
    nextWindows: 'Next page of windows',
    firstWindows: 'Back to the first page of windows',
    period: 'Period',
    periodValue: '{from} to {to} (China time, UTC+8)',
    n: 'Valid ratings',
    level: 'Level',
    count: 'Count',
    countsCaption: 'Ratings per level',
    interval: '95% confidence interval {low}–{high}',
    noRatings: 'No ratings',
    invalidQuery: 'The query is not valid:',
    invalidDay: 'Please enter a valid date',
    toBeforeFrom: 'The end date must not be before the start date',
    rangeTooLong: 'The period must not exceed 366 days',
    unknownWindow: 'Window not found',
    forbidden: 'Your account may not read satisfaction results.',
    unavailable: 'The service is unavailable; please try again later.',
    ratio: '{numerator} of {n}',
    definition: 'Definition',
    smallGroup: '<{k}',
    hidden: 'Hidden',
    suppressedNote: 'This window has fewer than {k} ratings in this period; to protect raters no counts or rates are shown. Try a longer period.',
    suppressionTitle: 'Small-group rule',
    fullReport: 'The satisfaction report of this window for the same days (by staff, service item and month)',
  },
};

const dictionaries: Record<Lang, Messages> = { zh, en };

export function messages(lang: Lang): Messages {
  return dictionaries[lang];
}

/** Fill `{name}` placeholders: `format('最多 {max} 字', { max: 500 })` → '最多 500 字'. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
