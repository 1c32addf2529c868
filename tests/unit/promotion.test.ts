import { describe, it, expect } from 'vitest';
import { planSchool, checkPromotionTarget, promotionTargetYear, previewOfSchool, schoolYearLabel } from '../../src/domain/promotion';
import { errorOf } from './helpers';

describe('planSchool', () => {
  it('primary school: grades 1–5 move up, grade 6 graduates', () => {
    const p = planSchool({ code: '2134000001', schoolingSystem: '6-3-3', category: '21' });
    expect(p.pairs.map((x) => [x.grade, x.toGrade])).toEqual([[1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]);
    expect(p.graduating).toEqual([6]);
    expect(p.pairs[0]).toMatchObject({ label: '二年级', backLabel: '一年级' });
  });

  it('一贯制 (9): primary pupils move on inside the school; only grade 9 graduates', () => {
    const p = planSchool({ code: '2134000002', schoolingSystem: '9', category: '21' });
    expect(p.pairs.map((x) => x.grade)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(p.pairs.find((x) => x.grade === 6)!.label).toBe('初一');
    expect(p.graduating).toEqual([9]);
  });

  it('完全中学 (3+3): 9 and 12 graduate', () => {
    const p = planSchool({ code: '3134000003', schoolingSystem: '3+3', category: '34' });
    expect(p.graduating).toEqual([9, 12]);
    expect(p.pairs.map((x) => x.grade)).toEqual([7, 8, 10, 11]);
  });

  it('a school without 学制 is not planned and says why', () => {
    const p = planSchool({ code: '2134000004', schoolingSystem: null, category: '21' });
    expect(p.pairs).toEqual([]);
    expect(p.problem).toMatch(/学制/);
  });
});

describe('school years', () => {
  it('the switch date opens the new year', () => {
    expect(promotionTargetYear({ year: 2027, month: 8, day: 1 })).toBe(2027);
    expect(promotionTargetYear({ year: 2027, month: 7, day: 31 })).toBe(2026);
    expect(schoolYearLabel(2027)).toBe('2027-2028');
  });

  it('only the next school year may be promoted into', () => {
    expect(() => checkPromotionTarget(2026, 2027)).not.toThrow();
    expect(errorOf(() => checkPromotionTarget(2026, 2028)).code).toBe('PROMOTION_YEAR_INVALID');
    expect(errorOf(() => checkPromotionTarget(2026, 2026)).message).toMatch(/只能升级到 2027-2028 学年/);
  });

  it('at most one school year ahead of the calendar: no second start into the year after next', () => {
    // July 2027 (calendar school year 2026): the early start into 2027 is allowed.
    expect(() => checkPromotionTarget(2026, 2027, 2026)).not.toThrow();
    expect(() => checkPromotionTarget(2027, 2028, 2027)).not.toThrow();
    // The day after that run the system is in 2027; 2028 is the next year but two ahead of the calendar.
    const e = errorOf(() => checkPromotionTarget(2027, 2028, 2026));
    expect(e.code).toBe('PROMOTION_YEAR_INVALID');
    expect(e.message).toBe('学年：按日历现在是 2026-2027 学年，最多提前升级到 2027-2028 学年，不能升级到 2028-2029 学年');
  });
});

describe('previewOfSchool', () => {
  it('marks each grade promote / graduate', () => {
    const plan = planSchool({ code: 'S', schoolingSystem: '6-3-3', category: '31' });
    const rows = previewOfSchool(plan, [
      { schoolCode: 'S', grade: 9, inSchool: 40, suspended: 1, other: 0, classes: 1 },
      { schoolCode: 'S', grade: 7, inSchool: 50, suspended: 0, other: 0, classes: 1 },
      { schoolCode: 'T', grade: 7, inSchool: 5, suspended: 0, other: 0, classes: 1 },
    ]);
    expect(rows).toEqual([
      { grade: 7, toGrade: 8, students: 50, suspended: 0, classes: 1, action: 'promote' },
      { grade: 9, toGrade: null, students: 40, suspended: 1, classes: 1, action: 'graduate' },
    ]);
  });
});
