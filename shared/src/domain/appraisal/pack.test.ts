import { describe, expect, it } from 'vitest';
import { packProblems, type PackProblem, type TallyPack, type Threshold, type Veto } from './pack.js';

function validPack(): TallyPack {
  return {
    format: 'manyi-appraisal-v1',
    campaign: { id: 'c1', name: '2026年度民主评议党员', kind: '党员民主评议' },
    scale: [
      { option: '优秀', score: 100, top: true },
      { option: '合格', score: 80, top: false },
      { option: '基本合格', score: 60, top: false },
      { option: '不合格', score: 40, top: false },
      { option: '弃权', score: null, top: false },
    ],
    indicators: [{ id: 'overall', name: '总体评价', weightPct: 100 }],
    groups: [
      { id: 'members', name: '党员', weightPct: 70, issued: 4 },
      { id: 'masses', name: '群众代表', weightPct: 30, issued: 2 },
    ],
    subjects: [
      { id: 'm1', name: '甲', graded: true },
      { id: 'm2', name: '乙', graded: true },
      { id: 'm3', name: '丙', graded: false },
    ],
    rules: {
      quorum: { moreThan: '1/2' },
      onQuorumFail: 'void',
      invalidIfIdentical: { minSubjects: 3 },
      excellentPerBallot: { maxShare: '1/3' },
      trim: { moreThan: 5, drop: 1 },
      bands: [
        { grade: '优秀', min: 90 },
        { grade: '合格', min: 70 },
        { grade: '基本合格', min: 60 },
        { grade: '不合格', min: 0 },
      ],
      vetoes: [{ id: 'masses', label: '群众代表不合格票过半', group: 'masses', options: ['不合格'], atLeast: '1/2', atMost: '不合格' }],
      excellentCap: { maxShare: '1/3' },
    },
    ballots: [
      { group: 'members', choices: { m1: { overall: '优秀' }, m2: { overall: '合格' }, m3: { overall: '弃权' } } },
      { group: 'members', choices: { m1: { overall: '合格' } } },
      { group: 'masses', choices: { m2: { overall: '不合格' }, m3: {} } },
    ],
  };
}

/** The problems of the valid pack after `change`. */
function problemsAfter(change: (pack: TallyPack) => void): PackProblem[] {
  const pack = validPack();
  change(pack);
  return packProblems(pack);
}

const fields = (problems: PackProblem[]) => problems.map((problem) => problem.field);

describe('packProblems', () => {
  it('finds nothing in a valid pack', () => {
    expect(packProblems(validPack())).toEqual([]);
  });

  it('accepts the null rules and an empty veto list', () => {
    expect(
      problemsAfter((pack) => {
        pack.rules = { ...pack.rules, invalidIfIdentical: null, excellentPerBallot: null, trim: null, vetoes: [], excellentCap: null, quorum: { atLeast: '2/3' } };
      }),
    ).toEqual([]);
  });

  describe('weights', () => {
    it('names "groups" with the sum when the group weights total 99.99', () => {
      const problems = problemsAfter((pack) => {
        pack.groups[1]!.weightPct = 29.99;
      });
      expect(fields(problems)).toEqual(['groups']);
      expect(problems[0]!.message).toContain('99.99');
    });

    it('names "groups" when they total more than 100', () => {
      const problems = problemsAfter((pack) => {
        pack.groups[1]!.weightPct = 30.5;
      });
      expect(fields(problems)).toEqual(['groups']);
      expect(problems[0]!.message).toContain('100.5');
    });

    it('accepts 33.33 + 33.33 + 33.34 as exactly 100 (exact decimals, not doubles)', () => {
      expect(
        problemsAfter((pack) => {
          pack.groups = [
            { id: 'a', name: 'A', weightPct: 33.33, issued: 1 },
            { id: 'b', name: 'B', weightPct: 33.33, issued: 1 },
            { id: 'c', name: 'C', weightPct: 33.34, issued: 1 },
          ];
          pack.rules.vetoes = [];
          pack.ballots = [];
          pack.indicators = [
            { id: 'i1', name: '一', weightPct: 33.33 },
            { id: 'i2', name: '二', weightPct: 33.34 },
            { id: 'i3', name: '三', weightPct: 33.33 },
          ];
        }),
      ).toEqual([]);
      // 0.1 + 0.2 + 99.7 is 100 exactly, though not as doubles
      expect(
        problemsAfter((pack) => {
          pack.indicators = [
            { id: 'i1', name: '一', weightPct: 0.1 },
            { id: 'i2', name: '二', weightPct: 0.2 },
            { id: 'i3', name: '三', weightPct: 99.7 },
          ];
          pack.ballots = [];
        }),
      ).toEqual([]);
    });

    it('names the weight with three decimals', () => {
      const problems = problemsAfter((pack) => {
        pack.groups[0]!.weightPct = 69.995;
        pack.groups[1]!.weightPct = 30.005;
      });
      expect(fields(problems)).toContain('groups.0.weightPct');
      expect(fields(problems)).toContain('groups.1.weightPct');
    });

    it('names a negative weight', () => {
      const problems = problemsAfter((pack) => {
        pack.groups[0]!.weightPct = -10;
        pack.groups[1]!.weightPct = 110;
      });
      expect(fields(problems)).toContain('groups.0.weightPct');
    });

    it('checks the indicator weights the same way', () => {
      const problems = problemsAfter((pack) => {
        pack.indicators = [
          { id: 'i1', name: '一', weightPct: 50 },
          { id: 'i2', name: '二', weightPct: 49.99 },
        ];
        pack.ballots = [];
      });
      expect(fields(problems)).toEqual(['indicators']);
      expect(problems[0]!.message).toContain('99.99');
    });

    it('accepts a weight of 0', () => {
      expect(
        problemsAfter((pack) => {
          pack.groups[0]!.weightPct = 0;
          pack.groups[1]!.weightPct = 100;
        }),
      ).toEqual([]);
    });
  });

  describe('unique names', () => {
    it.each([
      ['groups', (pack: TallyPack) => (pack.groups[1]!.id = 'members')],
      ['subjects', (pack: TallyPack) => (pack.subjects[1]!.id = 'm1')],
      ['indicators', (pack: TallyPack) => (pack.indicators = [{ id: 'overall', name: '一', weightPct: 50 }, { id: 'overall', name: '二', weightPct: 50 }])],
      ['scale', (pack: TallyPack) => (pack.scale[1]!.option = '基本合格')],
      ['rules.bands', (pack: TallyPack) => (pack.rules.bands[1]!.grade = '优秀')],
      ['rules.vetoes', (pack: TallyPack) => pack.rules.vetoes.push({ ...pack.rules.vetoes[0]! })],
    ])('names %s when an id appears twice', (field, change) => {
      const problems = problemsAfter(change);
      expect(fields(problems)).toContain(field);
      expect(problems.find((problem) => problem.field === field)!.message).toMatch(/twice/);
    });
  });

  describe('at least one', () => {
    it.each([
      ['scale', (pack: TallyPack) => (pack.scale = [])],
      ['indicators', (pack: TallyPack) => (pack.indicators = [])],
      ['groups', (pack: TallyPack) => (pack.groups = [])],
      ['rules.bands', (pack: TallyPack) => (pack.rules.bands = [])],
    ])('names %s when it is empty', (field, change) => {
      expect(fields(problemsAfter(change))).toContain(field);
    });
  });

  describe('the scale', () => {
    it('names "scale" with no top option', () => {
      const problems = problemsAfter((pack) => {
        pack.scale[0]!.top = false;
      });
      expect(fields(problems)).toEqual(['scale']);
    });

    it('names "scale" with two top options', () => {
      const problems = problemsAfter((pack) => {
        pack.scale[1]!.top = true;
      });
      expect(fields(problems)).toEqual(['scale']);
    });

    it('names "scale" when the top option has no score', () => {
      const problems = problemsAfter((pack) => {
        pack.scale[0]!.top = false;
        pack.scale[4]!.top = true;
      });
      expect(fields(problems)).toEqual(['scale']);
      expect(problems[0]!.message).toContain('弃权');
    });

    it('names a negative score or one with three decimals', () => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.scale[3]!.score = -40;
          }),
        ),
      ).toEqual(['scale.3.score']);
      expect(
        fields(
          problemsAfter((pack) => {
            pack.scale[1]!.score = 80.001;
          }),
        ),
      ).toEqual(['scale.1.score']);
    });
  });

  describe('the groups', () => {
    it.each([-1, 1.5, Number.NaN])('names issued = %s', (issued) => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.groups[0]!.issued = issued;
          }),
        ),
      ).toEqual(['groups.0.issued']);
    });

    it('accepts issued = 0', () => {
      expect(
        problemsAfter((pack) => {
          pack.groups[0]!.issued = 0;
        }),
      ).toEqual([]);
    });
  });

  describe('the rules', () => {
    it('names trim.moreThan below 2 × drop, and accepts it at 2 × drop', () => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.trim = { moreThan: 3, drop: 2 };
          }),
        ),
      ).toEqual(['rules.trim.moreThan']);
      expect(
        problemsAfter((pack) => {
          pack.rules.trim = { moreThan: 4, drop: 2 };
        }),
      ).toEqual([]);
    });

    it('names trim.drop below 1', () => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.trim = { moreThan: 5, drop: 0 };
          }),
        ),
      ).toEqual(['rules.trim.drop']);
    });

    it('names invalidIfIdentical.minSubjects below 2', () => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.invalidIfIdentical = { minSubjects: 1 };
          }),
        ),
      ).toEqual(['rules.invalidIfIdentical.minSubjects']);
      expect(
        problemsAfter((pack) => {
          pack.rules.invalidIfIdentical = { minSubjects: 2 };
        }),
      ).toEqual([]);
    });

    it('names bands whose minimums are not strictly descending', () => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.bands[1]!.min = 90;
          }),
        ),
      ).toEqual(['rules.bands.1.min']);
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.bands = [
              { grade: '不合格', min: 0 },
              { grade: '合格', min: 70 },
            ];
            pack.rules.vetoes[0]!.atMost = '合格';
          }),
        ),
      ).toEqual(['rules.bands.1.min']);
    });

    it('names a band minimum with three decimals', () => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.bands[0]!.min = 89.995;
          }),
        ),
      ).toContain('rules.bands.0.min');
    });

    it('names excellentCap with a single band', () => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.bands = [{ grade: '不合格', min: 0 }];
          }),
        ),
      ).toEqual(['rules.excellentCap']);
    });

    it('names ratios that are malformed or above 1', () => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.quorum = { moreThan: '3/2' };
          }),
        ),
      ).toEqual(['rules.quorum.moreThan']);
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.quorum = { atLeast: 'two thirds' };
          }),
        ),
      ).toEqual(['rules.quorum.atLeast']);
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.excellentCap = { maxShare: '1/0' };
            pack.rules.excellentPerBallot = { maxShare: '101%' };
          }),
        ),
      ).toEqual(['rules.excellentPerBallot.maxShare', 'rules.excellentCap.maxShare']);
      expect(
        problemsAfter((pack) => {
          pack.rules.excellentCap = { maxShare: '100%' };
          pack.rules.quorum = { atLeast: '1/1' };
        }),
      ).toEqual([]);
    });

    it('names a quorum with both moreThan and atLeast', () => {
      expect(
        fields(
          problemsAfter((pack) => {
            pack.rules.quorum = { moreThan: '1/2', atLeast: '1/2' } as unknown as Threshold;
          }),
        ),
      ).toEqual(['rules.quorum']);
    });
  });

  describe('the vetoes', () => {
    const vetoProblems = (change: Partial<Veto> | ((veto: Veto) => void)) =>
      problemsAfter((pack) => {
        const veto = pack.rules.vetoes[0]!;
        if (typeof change === 'function') change(veto);
        else Object.assign(veto, change);
      });

    it('names a group that is not in the pack', () => {
      const problems = vetoProblems({ group: 'nobody' });
      expect(fields(problems)).toEqual(['rules.vetoes.0.group']);
      expect(problems[0]!.message).toContain('nobody');
    });

    it('names an option that is not scored (弃权) or not in the scale', () => {
      expect(fields(vetoProblems({ options: ['弃权'] }))).toEqual(['rules.vetoes.0.options']);
      expect(fields(vetoProblems({ options: ['差'] }))).toEqual(['rules.vetoes.0.options']);
      expect(fields(vetoProblems({ options: [] }))).toEqual(['rules.vetoes.0.options']);
    });

    it('names an atMost that is not a grade of the bands', () => {
      expect(fields(vetoProblems({ atMost: '较差' }))).toEqual(['rules.vetoes.0.atMost']);
    });

    it('names a veto with both moreThan and atLeast, or neither', () => {
      expect(
        fields(
          vetoProblems((veto) => {
            (veto as { moreThan?: string }).moreThan = '1/2';
          }),
        ),
      ).toEqual(['rules.vetoes.0']);
      expect(
        fields(
          vetoProblems((veto) => {
            delete (veto as { atLeast?: string }).atLeast;
          }),
        ),
      ).toEqual(['rules.vetoes.0']);
    });

    it('names the ratio of a veto', () => {
      expect(fields(vetoProblems({ atLeast: '5/4' }))).toEqual(['rules.vetoes.0.atLeast']);
    });
  });

  describe('the ballots', () => {
    it('names a ballot of an unknown group', () => {
      const problems = problemsAfter((pack) => {
        pack.ballots[1]!.group = 'others';
      });
      expect(fields(problems)).toEqual(['ballots.1.group']);
      expect(problems[0]!.message).toContain('others');
    });

    it('names an unknown subject', () => {
      const problems = problemsAfter((pack) => {
        pack.ballots[1]!.choices['m9'] = { overall: '优秀' };
      });
      expect(problems).toEqual([{ field: 'ballots.1.choices.m9', message: 'is not a subject of the pack' }]);
    });

    it('names an unknown indicator', () => {
      const problems = problemsAfter((pack) => {
        pack.ballots[2]!.choices['m2']!['ability'] = '优秀';
      });
      expect(fields(problems)).toEqual(['ballots.2.choices.m2.ability']);
    });

    it('names an option that is not in the scale', () => {
      const problems = problemsAfter((pack) => {
        pack.ballots[0]!.choices['m1']!['overall'] = '很好';
      });
      expect(fields(problems)).toEqual(['ballots.0.choices.m1.overall']);
      expect(problems[0]!.message).toContain('很好');
    });

    it('accepts blank choices: a subject left out or an empty choice object', () => {
      expect(
        problemsAfter((pack) => {
          pack.ballots.push({ group: 'members', choices: {} }, { group: 'masses', choices: { m1: {} } });
        }),
      ).toEqual([]);
    });
  });
});
