import type { CampaignTally } from '#shared/contracts/appraisal/ballots.js';
import type { CampaignView } from '#shared/contracts/appraisal/campaigns.js';
import { CAMPAIGN_KIND_LABELS, CAMPAIGN_STATE_LABELS } from '#shared/domain/appraisal/campaign.js';
import type { MeanSteps, SubjectSteps, WeightedSteps } from '#shared/domain/appraisal/explain.js';
import { APPRAISAL_WORDS, describeBands, describeRules, describeScale, firedRuleText, voidReasonText } from '#shared/domain/appraisal/words.js';
import { neutraliseCell } from '../accounts/audit-csv.js';
import { chinaTime, NO_RATE, type ExportStamp, type FileColumn, type FileTable, type TableValue } from '../exports/report-tables.js';

/**
 * A 民主评议 campaign's results as tables (issue 14 §5): 概要, 评议主体, 汇总, 按评议对象 and 计算说明
 * — what the XLSX sheets, the CSV sections and the PDF print, built once from the tally as the API
 * shows it (CampaignTally: a small group's option counts already hidden) and the steps of
 * `explainTally`. Where the tally hides a group's counts (fewer than 10 valid ballots), the
 * calculation sheet prints that mean alone: the sum and the number of scores would give the counts
 * back. Every text cell is neutralised here, once.
 */
export interface CampaignReportInput {
  campaign: CampaignView & { countedAt?: string | undefined; publishedAt?: string | undefined };
  tally: CampaignTally;
  steps: readonly SubjectSteps[];
  stamp: ExportStamp;
}

const words = APPRAISAL_WORDS.zh;
const text = (value: string): string => neutraliseCell(value);
/** A figure of the format ("87.80") as a number the spreadsheet can sum, shown with two decimals; — when absent. */
const figure = (value: string | null): TableValue => (value === null ? NO_RATE : Number(value));
export const HIDDEN_COUNT = '<10';
/** A sentence without its "选项：" lead, where the row's label says it already. */
const unprefixed = (sentence: string, prefix: string) => (sentence.startsWith(prefix) ? sentence.slice(prefix.length) : sentence);
const time = (iso: string | undefined) => (iso ? `${chinaTime(iso)}（北京时间）` : NO_RATE);

export const SMALL_GROUP_RULE = '有效票少于 10 张的评议主体（或计分票少于 10 张的指标），各选项票数和票数不显示（显示为 <10）；平均分、得分和综合得分照常显示，它们是评议结果。';
export const DEFINITION =
  '指标平均分 = 计分选项的分数之和 ÷ 计分票数（弃权和未选不计分；按规则去掉最高分和最低分）；评议主体得分 = Σ 指标权重 × 指标平均分 ÷ Σ 权重；综合得分 = Σ 评议主体权重 × 评议主体得分 ÷ Σ 权重（只计达到法定人数的评议主体）。各步按精确分数计算，只在显示时四舍五入保留两位小数，因此按显示值重算可能相差 0.01；建议等次按四舍五入到两位小数的综合得分确定。';

function groupNames(input: CampaignReportInput): Map<string, string> {
  return new Map(input.tally.groups.map((group) => [group.id, group.name]));
}

/** The key facts: 概要. */
export function summaryTable(input: CampaignReportInput): FileTable {
  const { campaign, tally, stamp } = input;
  const names = groupNames(input);
  const issued = new Map(tally.groups.map((group) => [group.id, group.issued]));
  const result = tally.void ? `本轮评议无效，不定等次：${tally.reasons.map((reason) => voidReasonText(words, reason, (id) => names.get(id))).join('；')}` : '有效';
  const rows: [string, TableValue][] = [
    ['报告', '民主评议结果报告'],
    ['评议名称', text(campaign.name)],
    ['类型', CAMPAIGN_KIND_LABELS[campaign.kind]],
    ['年度', campaign.year],
    ['范围单位', text(campaign.unitName ? `${campaign.unitName}（${campaign.unitId}）` : campaign.unitId)],
    ['轮次', `第 ${tally.round} 轮`],
    ['状态', CAMPAIGN_STATE_LABELS[campaign.state]],
    ['本轮结果', text(result)],
    ['评议对象', `${campaign.subjects.length} 个（定等次 ${campaign.subjects.filter((subject) => subject.graded).length} 个）`],
    ['评议主体', text(campaign.groups.map((group) => `${group.name} ${group.weightPct}%（发出 ${issued.get(group.id) ?? 0} 张）`).join('；'))],
    ['评议指标', text(campaign.indicators.map((indicator) => `${indicator.name} ${indicator.weightPct}%`).join('；'))],
    ['选项', text(unprefixed(describeScale(words, campaign.scale), words.describe.scalePrefix))],
    ['等次', text(unprefixed(describeBands(words, campaign.rules), words.describe.bandsPrefix))],
    ['计票规则', text(unprefixed(describeRules(words, campaign.rules), words.describe.rulesPrefix))],
    ['计算方法', DEFINITION],
    ['小样本保护', SMALL_GROUP_RULE],
    ['开放时间', time(campaign.openedAt)],
    ['截止时间', time(campaign.closedAt)],
    ['计票时间', time(tally.countedAt)],
    ['公布时间', campaign.state === 'published' ? time(campaign.publishedAt) : '未公布'],
    ['文件生成时间', time(stamp.generatedAt)],
    ['数据校验码', stamp.dataHash],
    [
      '校验方法',
      '数据校验码为本轮计票结果与评议设置（规范化 JSON）的 SHA-256；文件本身的 SHA-256 与数据校验码均可在 /verify 页面核验。计票可用评议数据包（manyi-appraisal-v1，不含票码）以 npm run tally 复核。',
    ],
  ];
  return { name: '概要', columns: [{ header: '项目', width: 16, wrap: true }, { header: '内容', width: 80, wrap: true }], rows };
}

/** 评议主体: issued, returned, valid and invalid ballots and the quorum, per rater group. */
export function groupsTable({ tally }: CampaignReportInput): FileTable {
  const rows = tally.groups.map((group): TableValue[] => [
    text(group.name),
    text(group.id),
    group.weightPct,
    group.issued,
    group.returned,
    group.valid,
    group.invalid,
    group.invalidIdentical,
    group.invalidExcellentPerBallot,
    group.issued > 0 ? { percent: group.returned / group.issued } : NO_RATE,
    group.quorumMet ? '达到' : '未达到',
  ]);
  return {
    name: '评议主体',
    columns: [
      { header: '评议主体', width: 16, wrap: true },
      { header: '代码', width: 10 },
      { header: '权重(%)', width: 8 },
      { header: '发出', width: 7 },
      { header: '回收', width: 7 },
      { header: '有效', width: 7 },
      { header: '无效', width: 7 },
      { header: '其中各对象同一选项', width: 10, wrap: true },
      { header: '其中优秀超过限额', width: 10, wrap: true },
      { header: '回收率', width: 9, percent: true },
      { header: '法定人数', width: 9 },
    ],
    rows,
    notes: ['无效票计数并显示，不参与计分；一张票可能同时符合两种无效情形。回收率 = 回收 ÷ 发出。'],
  };
}

/** 汇总: per subject the composite, the proposed and the final grade, the rules that fired. */
export function resultsTable({ campaign, tally }: CampaignReportInput): FileTable {
  const rows = tally.subjects.map((subject): TableValue[] => [
    text(subject.name),
    text(subject.id),
    subject.graded ? '是' : '否（不定等次）',
    figure(subject.composite),
    subject.proposedGrade ?? NO_RATE,
    subject.finalGrade?.grade ?? NO_RATE,
    subject.finalGrade?.reason ? text(subject.finalGrade.reason) : '',
    text(subject.rules.map((fired) => firedRuleText(words, fired, campaign.rules, subject.proposedGrade)).join('；')),
    subject.finalGrade ? text(`${subject.finalGrade.by} ${chinaTime(subject.finalGrade.at)}`) : '',
  ]);
  return {
    name: '汇总',
    columns: [
      { header: '评议对象', width: 16, wrap: true },
      { header: '代码', width: 16, wrap: true },
      { header: '定等次', width: 8, wrap: true },
      { header: '综合得分', width: 9, decimals: 2 },
      { header: '建议等次', width: 9 },
      { header: '评定等次', width: 9 },
      { header: '评定理由', width: 20, wrap: true },
      { header: '适用规则', width: 26, wrap: true },
      { header: '评定人与时间（北京时间）', width: 18, wrap: true },
    ],
    rows,
    notes: ['建议等次由计票规则得出；评定等次由组织评定（看票不唯票），与建议等次不同时须写明理由。', DEFINITION],
  };
}

/** 按评议对象: per subject, group and indicator the counts per option (<10 where hidden) and the mean. */
export function detailTable({ campaign, tally }: CampaignReportInput): FileTable {
  const options = campaign.scale.map((option) => option.option);
  const weight = new Map(campaign.indicators.map((indicator) => [indicator.id, indicator.weightPct]));
  const names = new Map(tally.groups.map((group) => [group.id, group.name]));
  const rows: TableValue[][] = [];
  for (const subject of tally.subjects) {
    for (const group of subject.groups) {
      for (const indicator of group.indicators) {
        rows.push([
          text(subject.name),
          text(names.get(group.id) ?? group.id),
          figure(group.score),
          text(indicator.name),
          weight.get(indicator.id) ?? 0,
          indicator.n ?? HIDDEN_COUNT,
          ...options.map((option) => (indicator.counts ? (indicator.counts[option] ?? 0) : HIDDEN_COUNT)),
          figure(indicator.mean),
        ]);
      }
    }
  }
  return {
    name: '按评议对象',
    columns: [
      { header: '评议对象', width: 14, wrap: true },
      { header: '评议主体', width: 12, wrap: true },
      { header: '评议主体得分', width: 9, decimals: 2 },
      { header: '指标', width: 12, wrap: true },
      { header: '指标权重(%)', width: 8 },
      { header: '计分票数', width: 8 },
      ...options.map((option): FileColumn => ({ header: text(option), width: 7 })),
      { header: '平均分', width: 8, decimals: 2 },
    ],
    rows,
    notes: [SMALL_GROUP_RULE],
  };
}

const pct = (weight: number) => `${weight}%`;

/** "计分 10 票：100×6 + 80×3 + 60×1 + 40×0 = 900.00；去掉最高分 100×1、最低分 40×1（共 140.00）；(900.00 − 140.00) ÷ 8" */
function meanFormula(line: MeanSteps): string {
  if (line.n === 0) return '无计分选择（弃权或未选）';
  const terms = line.terms.map((term) => `${Number(term.score)}×${term.count}`).join(' + ');
  const parts = [`计分 ${line.n} 票：${terms} = ${line.sum}`];
  if (line.dropped) {
    const listed = (ends: { score: string; count: number }[]) => ends.map((end) => `${Number(end.score)}×${end.count}`).join('、');
    parts.push(`去掉最高分 ${listed(line.dropped.highest)}、最低分 ${listed(line.dropped.lowest)}（共 ${line.dropped.sum}）`);
    parts.push(`(${line.sum} − ${line.dropped.sum}) ÷ ${line.kept}`);
  } else parts.push(`${line.sum} ÷ ${line.kept}`);
  return parts.join('；');
}

/** "(30% × 90.00 + 30% × 88.00 + 40% × 86.00) ÷ 100%" */
function weightedFormula(steps: WeightedSteps, name: (id: string) => string): string {
  if (steps.terms.length === 0) return '无可计分的部分';
  const sum = steps.terms.map((term) => `${pct(term.weightPct)} × ${term.value}（${name(term.id)}）`).join(' + ');
  return `(${sum}) ÷ ${pct(Number(steps.weightPct))}`;
}

/** 计算说明: every step of each subject's arithmetic, one line each, as `explainTally` gives it. */
export function calculationTable({ campaign, tally, steps }: CampaignReportInput): FileTable {
  const groupName = new Map(tally.groups.map((group) => [group.id, group.name]));
  const indicatorName = new Map(campaign.indicators.map((indicator) => [indicator.id, indicator.name]));
  const counted = new Set(tally.groups.filter((group) => group.quorumMet).map((group) => group.id));
  const bySubject = new Map(steps.map((subject) => [subject.id, subject]));
  const rows: TableValue[][] = [];
  for (const subject of tally.subjects) {
    const explained = bySubject.get(subject.id);
    if (!explained) continue;
    const name = text(subject.name);
    const hidden = new Set(subject.groups.flatMap((group) => group.indicators.filter((indicator) => indicator.counts === null).map((indicator) => `${group.id}/${indicator.id}`)));
    for (const line of explained.means) {
      const label = text(`${groupName.get(line.group) ?? line.group} · ${indicatorName.get(line.indicator) ?? line.indicator} 平均分`);
      const formula = hidden.has(`${line.group}/${line.indicator}`) ? '票数少于 10，明细不显示（见小样本保护）' : meanFormula(line);
      rows.push([name, label, text(formula), figure(line.mean)]);
    }
    for (const group of explained.groups) {
      rows.push([name, text(`${groupName.get(group.id) ?? group.id} 得分`), text(weightedFormula(group.score, (id) => indicatorName.get(id) ?? id)), figure(group.score.value)]);
    }
    if (explained.composite) {
      const left = campaign.groups.filter((group) => !counted.has(group.id)).map((group) => group.name);
      const note = left.length ? `（${left.join('、')} 未达到法定人数，不计入，权重按其余评议主体重新分配）` : '';
      rows.push([name, '综合得分', text(weightedFormula(explained.composite, (id) => groupName.get(id) ?? id) + note), figure(subject.composite)]);
    } else rows.push([name, '综合得分', '本轮评议无效，不计算综合得分', NO_RATE]);
    const fired = subject.rules.filter((rule) => rule !== 'trim').map((rule) => firedRuleText(words, rule, campaign.rules, subject.proposedGrade));
    if (subject.graded) {
      const grading = subject.composite === null ? '无综合得分，不定等次' : `综合得分 ${subject.composite} 按${describeBands(words, campaign.rules)}${fired.length ? `；${fired.join('；')}` : ''}`;
      rows.push([name, '建议等次', text(grading), subject.proposedGrade ?? NO_RATE]);
      const final = subject.finalGrade ? `${subject.finalGrade.grade}${subject.finalGrade.reason ? `（理由：${subject.finalGrade.reason}）` : ''}` : '尚未评定';
      rows.push([name, '评定等次（组织评定）', text(final), subject.finalGrade?.grade ?? NO_RATE]);
    } else rows.push([name, '建议等次', '不定等次（如预备党员）：只计得分', NO_RATE]);
    rows.push([]);
  }
  return {
    name: '计算说明',
    columns: [
      { header: '评议对象', width: 14, wrap: true },
      { header: '步骤', width: 20, wrap: true },
      { header: '算式', width: 64, wrap: true },
      { header: '结果', width: 9, decimals: 2 },
    ],
    rows,
    notes: [DEFINITION, SMALL_GROUP_RULE],
  };
}

/** Every table of the campaign's report, in the order of the XLSX sheets, the CSV sections and the PDF. */
export function campaignReportTables(input: CampaignReportInput): FileTable[] {
  return [summaryTable(input), groupsTable(input), resultsTable(input), detailTable(input), calculationTable(input)];
}
