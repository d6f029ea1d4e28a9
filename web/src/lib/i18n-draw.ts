import type { Lang } from './i18n';

/**
 * Strings of the draw check on /verify (阳光测评, issue 13 §3): a round's verification pack
 * (manyi-draw-v1) uploaded and re-run. The checks' detail lines come from the API in English (the
 * same lines `npm run verify-draw` prints); the labels and the verdict are said here.
 */
const zh = {
  drawTitle: '核验抽样结果（抽签验证包）',
  drawIntro:
    '阳光测评的抽样由公开的抽签格式 manyi-draw-v1 决定，任何人都可以用自己的程序重新计算。上传一轮测评公布的抽签验证包（JSON 文件），服务器按下面三步重算，并逐项对照：',
  drawSteps: [
    '承诺值：SHA-256(种子)，在抽样框形成之前公布；',
    '抽样框哈希：SHA-256(每条记录一行“分层、制表符、编号”，先按分层、再按编号以 UTF-8 字节序排列)；',
    '抽签键：HMAC-SHA256(种子，抽样框哈希、公开输入、分层、编号以换行连接)，每层按键从小到大取前 n 个，即为抽中名单。',
  ],
  drawMore: '完整规则见源代码中的 docs/decisions/0017-manyi-draw-v1.md；也可在自己的电脑上运行 npm run verify-draw -- 验证包.json。种子在测评截止后才公布，截止前的验证包只能核验抽样框、分层规模和样本分配。',
  drawLegend: '上传抽签验证包',
  pack: '抽签验证包文件（JSON）',
  packHint: '文件只在服务器上计算，不会被保存。',
  drawCheck: '验证抽签',
  packMissing: '请选择要核验的抽签验证包文件',
  packTooLarge: '文件过大（超过 {mb} MB），网页无法核验。请在自己的电脑上用命令行核验：npm run verify-draw -- 验证包.json（见 docs/decisions/0017-manyi-draw-v1.md）。',
  notJson: '文件不是有效的 JSON，不是抽签验证包。请上传测评公布的 .json 文件。',
  notAnObject: '文件内容不是一个 JSON 对象，不是抽签验证包。',
  notAPack: '这不是有效的抽签验证包（manyi-draw-v1）：',
  separator: '；',
  missingField: '缺少字段 {field}',
  unknownField: '多出未知字段 {field}',
  badField: '字段 {field} 的值不符合格式',
  drawUnavailable: '核验服务暂时不可用，请稍后再试。',
  labels: { commitment: '承诺值', frameHash: '抽样框哈希', strata: '分层规模', allocation: '样本分配', sample: '抽中名单' },
  pass: '通过',
  fail: '未通过',
  allPass: '全部核验通过',
  allPassBody: '验证包中的抽中名单，正是承诺的种子、公布的抽样框和公开输入所给出的样本。',
  failed: '核验未通过：此验证包与其声称的抽签不一致',
  failedBody: '标为 ✗ 的项目与重新计算的结果不同（英文说明给出差异）。',
  round: '测评轮次',
  frameEntries: '抽样框条目数',
  sampleSize: '验证包中的样本量',
};
export type DrawMessages = typeof zh;

const en: DrawMessages = {
  drawTitle: 'Check a sampling draw (verification pack)',
  drawIntro:
    'Who is asked in a 阳光测评 round is decided by the public draw format manyi-draw-v1, which anyone can re-run with their own code. Upload the verification pack (a JSON file) published with a round; the server recomputes these three steps and compares each:',
  drawSteps: [
    'Commitment: SHA-256(seed), published before the frame exists;',
    'Frame hash: SHA-256 of one line "stratum TAB entryId" per entry, sorted by stratum, then entryId, in UTF-8 byte order;',
    'Draw key: HMAC-SHA256(seed, frame hash, public input, stratum and entryId joined by line feeds); in each stratum the n smallest keys are the sample.',
  ],
  drawMore:
    'The full rules are in docs/decisions/0017-manyi-draw-v1.md of the source code; on your own computer run npm run verify-draw -- pack.json. The seed is published when the round closes: before that a pack can only be checked for its frame, strata and allocation.',
  drawLegend: 'Upload a verification pack',
  pack: 'Verification pack file (JSON)',
  packHint: 'The file is only checked on the server; it is not kept.',
  drawCheck: 'Check the draw',
  packMissing: 'Choose a verification pack to check',
  packTooLarge: 'The file is over {mb} MB, too large to check on the web. Check it on your own computer: npm run verify-draw -- pack.json (see docs/decisions/0017-manyi-draw-v1.md).',
  notJson: 'The file is not valid JSON, so it is not a verification pack. Upload the .json file published with the round.',
  notAnObject: 'The file does not hold a JSON object, so it is not a verification pack.',
  notAPack: 'This is not a valid verification pack (manyi-draw-v1): ',
  separator: '; ',
  missingField: 'field {field} is missing',
  unknownField: 'unknown field {field}',
  badField: 'field {field} has a value of the wrong form',
  drawUnavailable: 'The verification service is unavailable; please try again later.',
  labels: { commitment: 'Commitment', frameHash: 'Frame hash', strata: 'Stratum sizes', allocation: 'Allocation', sample: 'Sample' },
  pass: 'holds',
  fail: 'fails',
  allPass: 'Every check holds',
  allPassBody: 'The sample in the pack is exactly the one the committed seed, the published frame and the public input give.',
  failed: 'Check failed: this pack is not the draw it claims',
  failedBody: 'The checks marked ✗ differ from the recomputation (the English line says how).',
  round: 'Round',
  frameEntries: 'Frame entries',
  sampleSize: 'Sample size in the pack',
};

/** Plain strings only: the page's load sends them to the browser. */
export function drawMessages(lang: Lang): DrawMessages {
  return lang === 'en' ? en : zh;
}

/** A message with its `{name}` placeholders filled in. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** A size in MB as people read it (4000000 → "4"). */
export function megabytes(bytes: number): string {
  return String(Math.floor(bytes / 100_000) / 10);
}
