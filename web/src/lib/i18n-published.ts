import type { Lang } from './i18n';

/**
 * Strings of a published 阳光测评 round's public page, /rounds/{roundId} (issue 13 §2, decision
 * 0024): read by anyone, without an account. The results and the draw's facts reuse the round
 * pages' words (i18n-rounds.ts); the three steps of manyi-draw-v1 are /verify's (i18n-draw.ts).
 */
const zh = {
  eyebrow: '阳光测评 · 公开结果',
  titleSuffix: '阳光测评结果',
  intro:
    '本轮测评从办件记录中随机抽取办事群众，以短信邀请评价。谁被抽中不由任何人挑选：由事先承诺的种子、冻结的抽样框和抽取时第二人输入的公开数字共同决定，任何人都可以复核。',
  facts: { unit: '单位', period: '办件期间', strataBy: '分层方式', drawnAt: '抽取时间', closedAt: '截止时间', publishedAt: '公布时间' },
  draw: '抽样核验信息',
  drawIntro: '以下是这次抽样公开的全部事实。承诺值在抽样框形成之前公布；种子在测评截止后公布，任何人都可以核对 SHA-256(种子) 是否等于承诺值。',
  allocation: '各层分配方法：',
  fixedMethod: '固定人数（各层人数见上表）',
  pack: '下载抽签验证包（JSON）',
  packSize: '验证包内有抽样框（匿名编号，不含任何个人信息）、各层人数、种子和抽中名单。',
  verify: '如何核验',
  verifyBody: '任何人都可以核验这次抽样：把验证包上传到本站的',
  verifyLink: '核验抽样结果',
  verifyAfter: '页面，服务器会按公开规则重新计算并逐项核对。也可以用自己的程序按公开格式 manyi-draw-v1 重新计算：',
  notFound: '本轮测评不存在或尚未公布',
  notFoundHint: '请核对链接是否正确。阳光测评的结果由管理员在测评截止后公布，公布前不能查看。',
  unavailable: '测评结果暂时无法显示',
  unavailableHint: '服务暂时不可用，请稍后再试。',
};
export type PublishedMessages = typeof zh;

const en: PublishedMessages = {
  eyebrow: 'Sampling round · published results',
  titleSuffix: 'sampling round results',
  intro:
    'The people asked in this round were drawn at random from the service records and invited by SMS. Nobody chose them: a seed committed in advance, the frozen frame and a public input typed at the draw by a second person decided who was drawn, and anyone can check it.',
  facts: { unit: 'Unit', period: 'Period', strataBy: 'Strata', drawnAt: 'Drawn', closedAt: 'Closed', publishedAt: 'Published' },
  draw: 'The draw’s public facts',
  drawIntro: 'Everything the draw published. The commitment was published before the frame existed; the seed was revealed when the round closed, so anyone can check that SHA-256(seed) is the commitment.',
  allocation: 'Allocation: ',
  fixedMethod: 'Fixed (n_h as in the table above)',
  pack: 'Download the verification pack (JSON)',
  packSize: 'The pack holds the frame (opaque ids, no personal data), the strata, the seed and the sample.',
  verify: 'How to check',
  verifyBody: 'Anyone can check this draw: upload the pack on the ',
  verifyLink: 'draw check',
  verifyAfter: ' page, which re-runs it by the public rules and compares each step. Or re-run it with your own code, by the public format manyi-draw-v1:',
  notFound: 'This round does not exist or is not published',
  notFoundHint: 'Please check the link. A round’s results are published by an administrator after it closes, and cannot be read before.',
  unavailable: 'The round’s results cannot be shown',
  unavailableHint: 'The service is unavailable; please try again later.',
};

/** Plain strings only: the page's load sends them to the browser. */
export function publishedMessages(lang: Lang): PublishedMessages {
  return lang === 'en' ? en : zh;
}
