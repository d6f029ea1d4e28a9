import type { RoundResults } from '#shared/contracts/sampling/results.js';
import type { RoundConfig, RoundView } from '#shared/contracts/sampling/rounds.js';
import { RATING_LEVEL_NAMES } from '#shared/domain/rating-level.js';
import { ROUND_STATE_LABELS } from '#shared/domain/sampling/round-state.js';
import { neutraliseCell } from '../accounts/audit-csv.js';
import { chinaTime, LEVELS, NO_RATE, percentText, SUPPRESSED_TEXT, type ExportStamp, type FileColumn, type FileTable, type TableValue } from '../exports/report-tables.js';

/**
 * A 阳光测评 round's report as tables (issue 13 §5; docs/decisions/0023-round-results.md): what the
 * XLSX sheets and the PDF print, built once from ONE RoundResults (the JSON the page shows) and the
 * round's view (roundView: the seed only once closed). Nothing here recomputes a rate: the
 * calculation sheet multiplies out the estimate's formula from the strata's W_h, N_h, n_h and
 * p̂_h as the results give them, so a reader can redo the sum and find the estimate.
 *
 * Cells are the report files' (report-tables.ts): numbers stay numbers, rates are percent points,
 * a suppressed cell prints "<5" / 已隐藏, and every text cell is neutralised once, here.
 */
export interface RoundReportInput {
  results: RoundResults;
  round: RoundView;
  stamp: ExportStamp;
}

const text = (value: string): string => neutraliseCell(value);
const pct = (value: number | null | undefined): TableValue => (value === null || value === undefined ? NO_RATE : { percent: value });

const STRATA_BY = { unit: '按单位', window: '按窗口', serviceItem: '按服务事项' } as const;
const ALLOCATION = { proportional: '按比例分配', equal: '各层等额', neyman: 'Neyman 最优分配', fixed: '指定各层样本量' } as const;
const RATES = { good: '好评率', satisfied: '满意率' } as const;
type RateKey = keyof typeof RATES;

export const SEED_HIDDEN = '截止后公布';

const configOf = (round: RoundView) => round.config as RoundConfig;
const stratumName = (stratum: { key: string; label?: string | undefined }) => text(stratum.label ?? stratum.key);

function sizeText(config: RoundConfig): string {
  const size = config.size;
  if (size.mode === 'total') return `总样本量 ${size.n}`;
  if (size.mode === 'per-stratum') return `每层 ${size.n}`;
  return `误差界 ±${(size.e * 100).toFixed(1)} 个百分点（95%，${size.per === 'stratum' ? '每层' : '总体'}）`;
}

/** What a cell shows while the round still takes answers. */
const OPEN_TEXT = '截止后公布';

/** Why an estimate is missing, naming the strata (as the round page says it). */
export function estimateProblemText(estimate: Extract<RoundResults['estimate']['good'], { ok: false }>, results: RoundResults): string {
  const names = new Map(results.strata.map((stratum) => [stratum.key, stratumName(stratum)]));
  const strata = estimate.strata.map((key) => names.get(key) ?? text(key)).join('、');
  if (estimate.problem === 'no-frame') return '抽样框为空，无法估计';
  if (estimate.problem === 'too-few-answers') return `以下分层有效答复少于 2 份，无法估计：${strata}`;
  if (estimate.problem === 'open') return '测评尚未截止：比率和估计在截止后公布';
  return `有分层答复不足 ${results.suppression.k} 份（${strata || '合计'}），为保护答复者、防止由权重推算被隐藏的分层，不公布估计`;
}

/** An estimate in one line: 92.31%（95% 置信区间 88.10%–95.20%）, or why there is none. */
export function estimateText(results: RoundResults, key: RateKey): string {
  const estimate = results.estimate[key];
  if (!estimate.ok) return estimateProblemText(estimate, results);
  return `${percentText(estimate.value)}（95% 置信区间 ${percentText(estimate.low)}–${percentText(estimate.high)}）`;
}

/** The key facts of the round: 概要. */
export function summaryTable({ results, round, stamp }: RoundReportInput): FileTable {
  const config = configOf(round);
  const drawnPerStratum = (round.strata ?? []).map((stratum) => `${stratumName(stratum)} ${stratum.n ?? 0}/${stratum.N}`).join('；');
  const rows: [string, string | number][] = [
    ['报告', '阳光测评结果报告'],
    ['测评名称', text(results.name)],
    ['范围单位', text(round.unitName ? `${round.unitName}（${config.unitId}）` : config.unitId)],
    ['办件期间', `${config.period.from} 至 ${config.period.to}（北京时间）`],
    ['答复截止日', config.deadline],
    ['状态', ROUND_STATE_LABELS[results.state]],
    ['分层方式', STRATA_BY[config.strataBy]],
    ['样本量', sizeText(config)],
    ['样本量分配', ALLOCATION[config.allocation.method]],
    ['各层抽中 n_h / 抽样框 N_h', drawnPerStratum || NO_RATE],
    ['抽样框人数 N', results.funnel.N],
    ['抽中人数', results.funnel.drawn],
    ['种子承诺（SHA-256）', round.commitment ?? NO_RATE],
    ['抽样框哈希', round.frameHash ?? NO_RATE],
    ['公开输入', round.publicInput === undefined ? NO_RATE : round.publicInput === '' ? '（无）' : text(round.publicInput)],
    ['种子', round.seed ?? SEED_HIDDEN],
    ['抽取时间', round.drawnAt ? `${chinaTime(round.drawnAt)}（北京时间）` : NO_RATE],
    ['截止时间', round.closedAt ? `${chinaTime(round.closedAt)}（北京时间）` : NO_RATE],
    ['好评率（分层估计）', estimateText(results, 'good')],
    ['满意率（分层估计）', estimateText(results, 'satisfied')],
    ['未答复', text(results.nonResponse.zh)],
    ['小样本保护', text(results.suppression.rule.zh)],
    ['文件生成时间', `${chinaTime(stamp.generatedAt)}（北京时间）`],
    ['数据校验码', stamp.dataHash],
    ['校验方法', '数据校验码为本轮结果与抽取信息（规范化 JSON）的 SHA-256；文件本身的 SHA-256 与数据校验码均可在 /verify 页面核验。抽取可用种子、公开输入和抽样框哈希按 manyi-draw-v1 复核'],
  ];
  return { name: '概要', columns: [{ header: '项目', width: 24, wrap: true }, { header: '内容', width: 72, wrap: true }], rows };
}

type Funnel = RoundResults['funnel'];
const FUNNEL_COLUMNS: FileColumn[] = [
  { header: '分层', width: 24, wrap: true },
  { header: '代码', width: 14 },
  { header: '抽样框 N_h', width: 10 },
  { header: '抽中', width: 8 },
  { header: '已发送', width: 8 },
  { header: '发送失败', width: 8 },
  { header: '已送达', width: 8 },
  { header: '已答复', width: 8 },
  { header: '已退订', width: 8 },
  { header: '答复率', width: 9, percent: true },
];

function funnelRow(name: string, key: string, funnel: Funnel): TableValue[] {
  return [name, key, funnel.N, funnel.drawn, funnel.sent, funnel.failed, funnel.delivered ?? '未回执', funnel.responded, funnel.optedOut, pct(funnel.responseRate)];
}

/** 漏斗: frame → drawn → sent → answered per stratum, and the round (合计). The funnel is the round's conduct, shown whatever the answers. */
export function funnelTable({ results }: RoundReportInput): FileTable {
  const rows = results.strata.map((stratum) => funnelRow(stratumName(stratum), text(stratum.key), stratum.funnel));
  rows.push(funnelRow('合计', '', results.funnel));
  return {
    name: '漏斗',
    columns: FUNNEL_COLUMNS,
    rows,
    notes: ['答复率 = 已答复 ÷ 已发送。已送达：短信服务商未回执时显示“未回执”。'],
  };
}

type Cell = RoundResults['total'];
const RESULT_COLUMNS: FileColumn[] = [
  { header: '分层', width: 24, wrap: true },
  { header: '代码', width: 14 },
  { header: '权重 W_h', width: 9, decimals: 4 },
  { header: '评价数', width: 8 },
  ...LEVELS.map((level) => ({ header: `${RATING_LEVEL_NAMES[level].zh}(${level})`, width: 8 })),
  { header: '好评率', width: 8, percent: true },
  { header: '好评率下限', width: 8, percent: true },
  { header: '好评率上限', width: 8, percent: true },
  { header: '满意率', width: 8, percent: true },
  { header: '满意率下限', width: 8, percent: true },
  { header: '满意率上限', width: 8, percent: true },
  { header: '说明', width: 16, wrap: true },
];

/** One row of 结果; a suppressed cell prints its marker in every number column, as report files do. */
export function resultRow(name: string, key: string, W: number | string, cell: Cell): TableValue[] {
  if (cell.suppressed) {
    const mark = cell.suppressed === 'open' ? OPEN_TEXT : SUPPRESSED_TEXT[cell.suppressed];
    const note = cell.suppressed === 'open' ? '测评尚未截止' : cell.suppressed === 'small-group' ? '少于5条，不显示' : '为防推算而隐藏';
    return [name, key, W, mark, ...LEVELS.map(() => mark), NO_RATE, NO_RATE, NO_RATE, NO_RATE, NO_RATE, NO_RATE, note];
  }
  return [
    name,
    key,
    W,
    cell.n,
    ...LEVELS.map((level) => cell.counts?.[level] ?? null),
    pct(cell.goodRate?.value),
    pct(cell.goodRate?.low),
    pct(cell.goodRate?.high),
    pct(cell.satisfiedRate?.value),
    pct(cell.satisfiedRate?.low),
    pct(cell.satisfiedRate?.high),
    cell.n === 0 ? '暂无答复' : '',
  ];
}

/** 结果: each stratum's answers and rates with Wilson intervals; 合计 is all answers, unweighted. */
export function resultTable({ results }: RoundReportInput): FileTable {
  const rows = results.strata.map((stratum) => resultRow(stratumName(stratum), text(stratum.key), stratum.W, stratum));
  rows.push(resultRow('合计（未加权）', '', 1, results.total));
  return {
    name: '结果',
    columns: RESULT_COLUMNS,
    rows,
    notes: [
      '各层比率的 95% 置信区间采用 Wilson 方法；合计为全部答复的未加权比率，本轮的估计按各层权重计算（见“分层估计”）。',
      `显示规则：“${SUPPRESSED_TEXT['small-group']}”：答复少于 ${results.suppression.k} 份，不显示数字和比率；“${SUPPRESSED_TEXT.complementary}”：为防止由合计减去其他分层推算出小样本而隐藏。`,
      text(`小样本保护：${results.suppression.rule.zh}`),
    ],
  };
}

/** 分层估计: each rate's estimate and interval, or why there is none; the definition and the non-response. */
export function estimateTable({ results }: RoundReportInput): FileTable {
  const rows = (Object.keys(RATES) as RateKey[]).map((key): TableValue[] => {
    const estimate = results.estimate[key];
    if (!estimate.ok) return [RATES[key], NO_RATE, NO_RATE, NO_RATE, NO_RATE, estimateProblemText(estimate, results)];
    return [RATES[key], { percent: estimate.value }, { percent: estimate.low }, { percent: estimate.high }, estimate.standardError, ''];
  });
  return {
    name: '分层估计',
    columns: [
      { header: '指标', width: 10 },
      { header: '估计值 p̂', width: 10, percent: true },
      { header: '95%区间下限', width: 11, percent: true },
      { header: '95%区间上限', width: 11, percent: true },
      { header: '标准误 √v', width: 11, decimals: 6 },
      { header: '说明', width: 44, wrap: true },
    ],
    rows,
    notes: [text(`计算方法：${results.definition.zh}`), text(`未答复：${results.nonResponse.zh}`)],
  };
}

/** The terms of one stratum in the estimate of one rate, from the results' own numbers. */
export interface CalculationRow {
  key: string;
  name: string;
  N: number;
  W: number;
  n: number;
  p: number;
  /** 1 − n_h/N_h, capped at 0 (a census) as the estimate caps it. */
  finite: number;
  weighted: number;
  term: number;
}

/**
 * The calculation sheet's rows of one rate, or why there are none: only when the estimate is shown
 * (then every stratum with N_h > 0 has at least 2 answers and is not suppressed). Strata with
 * N_h = 0 weigh nothing and are left out, as the estimate leaves them out.
 */
export function calculationRows(results: RoundResults, key: RateKey): { rows: CalculationRow[]; sum: { p: number; v: number } } | { problem: string } {
  const estimate = results.estimate[key];
  if (!estimate.ok) return { problem: estimateProblemText(estimate, results) };
  const rows: CalculationRow[] = [];
  for (const stratum of results.strata) {
    const rate = key === 'good' ? stratum.goodRate : stratum.satisfiedRate;
    if (stratum.funnel.N === 0 || !rate || rate.value === null || stratum.n === null) continue;
    const finite = Math.max(0, 1 - stratum.n / stratum.funnel.N);
    const p = rate.value;
    rows.push({
      key: stratum.key,
      name: stratumName(stratum),
      N: stratum.funnel.N,
      W: stratum.W,
      n: stratum.n,
      p,
      finite,
      weighted: stratum.W * p,
      term: (stratum.W * stratum.W * finite * (p * (1 - p))) / (stratum.n - 1),
    });
  }
  return { rows, sum: { p: rows.reduce((total, row) => total + row.weighted, 0), v: rows.reduce((total, row) => total + row.term, 0) } };
}

export const CALCULATION_COLUMNS: FileColumn[] = [
  { header: '指标', width: 8 },
  { header: '分层', width: 22, wrap: true },
  { header: '代码', width: 12 },
  { header: 'N_h', width: 8 },
  { header: 'W_h = N_h/N', width: 11, decimals: 6 },
  { header: 'n_h（有效答复）', width: 10 },
  { header: 'p̂_h', width: 10, decimals: 6 },
  { header: '1 − n_h/N_h', width: 10, decimals: 6 },
  { header: 'W_h·p̂_h', width: 11, decimals: 6 },
  { header: 'W_h²·(1 − n_h/N_h)·p̂_h(1 − p̂_h)/(n_h − 1)', width: 22, decimals: 10 },
];

/** 计算表: per stratum the terms of p̂ = Σ W_h·p̂_h and v = Σ W_h²·(1 − n_h/N_h)·p̂_h(1 − p̂_h)/(n_h − 1), then the sums and the interval. */
export function calculationTable({ results }: RoundReportInput): FileTable {
  const rows: TableValue[][] = [];
  for (const key of Object.keys(RATES) as RateKey[]) {
    const calculation = calculationRows(results, key);
    const name = RATES[key];
    if ('problem' in calculation) {
      rows.push([name, `不给出计算表：${calculation.problem}`, '', null, null, null, null, null, null, null]);
      rows.push([]);
      continue;
    }
    for (const row of calculation.rows) rows.push([name, row.name, text(row.key), row.N, row.W, row.n, row.p, row.finite, row.weighted, row.term]);
    const estimate = results.estimate[key] as Extract<RoundResults['estimate']['good'], { ok: true }>;
    rows.push([name, '合计 Σ：p̂ = Σ W_h·p̂_h；v = Σ 右列', '', results.funnel.N, null, null, null, null, calculation.sum.p, calculation.sum.v]);
    rows.push([name, '标准误 √v', '', null, null, null, null, null, null, estimate.standardError]);
    rows.push([
      name,
      `95% 置信区间 p̂ ± 1.96·√v（截至 [0, 1]）：${percentText(estimate.low)}–${percentText(estimate.high)}；估计值 ${percentText(estimate.value)}`,
      '',
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    rows.push([]);
  }
  return {
    name: '计算表',
    columns: CALCULATION_COLUMNS,
    rows,
    notes: [text(`计算方法：${results.definition.zh}`), '各层 p̂_h 为该层有效答复中的比率（与“结果”表相同）；只有全部分层均公布时才给出计算表，否则由公布的权重可推算出被隐藏的分层。'],
  };
}

/** Every table of the round's report, in the order of the XLSX sheets and the PDF sections. */
export function roundReportTables(input: RoundReportInput): FileTable[] {
  return [summaryTable(input), funnelTable(input), resultTable(input), estimateTable(input), calculationTable(input)];
}
