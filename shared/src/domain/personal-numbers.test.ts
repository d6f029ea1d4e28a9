import { describe, expect, it } from 'vitest';
import { personalNumberIn } from './personal-numbers.js';

describe('personal numbers written into free text', () => {
  it('finds a mobile number however it is written: plain, spaced, hyphenated, full-width', () => {
    for (const text of ['请回电13800138000谢谢', '电话 138 0013 8000', '138-0013-8000', '联系：１３８００１３８０００', '+8613800138000', '86 138 0013 8000', '138 - 0013 - 8000', '138.0013.8000', '138—0013—8000']) {
      expect(personalNumberIn(text), text).toBe('mobile');
    }
  });

  it('finds a 居民身份证号, with an X or split', () => {
    for (const text of ['身份证号11010519491231002X', '440306 1990 0307 2315', '身份证440306199003072315']) expect(personalNumberIn(text), text).toBe('id');
  });

  it('leaves times, dates, amounts, window numbers and longer or shorter digit runs alone', () => {
    // An 18-digit 办件编号 is no ID number: its date or check character gives it away.
    for (const text of ['上午10点到12点', '2026-12-08 取号 A0123', '收费 25.00 元', '3号窗口', '办件编号 2026120800012345678901', '编号1380013800', '办件编号 370102202612080001']) {
      expect(personalNumberIn(text), text).toBeUndefined();
    }
  });
});
