import { describe, expect, it } from 'vitest';
import { suspectShape } from './report-suspect.js';

describe('suspectShape', () => {
  it('prints the count of 可疑评价 at k or more, and says there were none at 0', () => {
    expect(suspectShape(12, 5, 'committee')).toMatchObject({ n: 12, suppressed: null });
    expect(suspectShape(12, 5, 'committee').text.zh).toContain('本期另有 12 条可疑评价');
    expect(suspectShape(0, 5, 'committee')).toMatchObject({ n: 0, suppressed: null });
    expect(suspectShape(0, 5, 'committee').text.zh).toContain('本期没有可疑评价');
  });

  it('never prints a count between 1 and k − 1', () => {
    for (const count of [1, 2, 3, 4]) {
      const shape = suspectShape(count, 5, 'committee');
      expect(shape).toMatchObject({ n: null, suppressed: 'small-group' });
      expect(shape.text.zh).toContain('少于 5 条可疑评价');
      expect(shape.text.zh).not.toMatch(new RegExp(`另有 ${count} 条`));
      expect(shape.text.en).toContain('<5');
    }
  });

  it('on a staff member’s own report says only that they count for nobody', () => {
    const shape = suspectShape(40, 5, 'own');
    expect(shape.n).toBeNull();
    expect(shape.text.zh).toBe('可疑评价（某窗口一小时内的评价数远高于该窗口该时段的通常水平时，超出部分标为可疑评价）不计入任何人员的统计。');
  });
});
