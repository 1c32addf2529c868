import { describe, it, expect } from 'vitest';
import {
  stageOfGrade,
  gradeLabel,
  className,
  gradesOfSchool,
  graduatingGrades,
  isGraduatingGrade,
  isInitialGrade,
  nextGrade,
  stagesOfSchool,
  gradeInSchoolYear,
  schoolYearOf,
} from '../../src/domain/grades';
import { errorOf } from './helpers';

describe('stageOfGrade', () => {
  it('6-3-3 boundaries', () => {
    expect(stageOfGrade(1)).toBe('primary');
    expect(stageOfGrade(6, '6-3-3')).toBe('primary');
    expect(stageOfGrade(7, '6-3-3')).toBe('junior');
    expect(stageOfGrade(9, '6-3-3')).toBe('junior');
    expect(stageOfGrade(10, '6-3-3')).toBe('senior');
    expect(stageOfGrade(12, '3+3')).toBe('senior');
  });

  it('5-4: grade 6 is junior', () => {
    expect(stageOfGrade(5, '5-4')).toBe('primary');
    expect(stageOfGrade(6, '5-4')).toBe('junior');
    expect(stageOfGrade(9, '5-4')).toBe('junior');
    expect(stageOfGrade(10, '5-4')).toBe('senior');
  });

  it('refuses grades outside 1–12 and unknown systems', () => {
    expect(errorOf(() => stageOfGrade(0)).code).toBe('GRADE_INVALID');
    expect(errorOf(() => stageOfGrade(13)).code).toBe('GRADE_INVALID');
    expect(errorOf(() => stageOfGrade(2.5)).code).toBe('GRADE_INVALID');
    expect(errorOf(() => stageOfGrade(3, '7-2')).code).toBe('SCHOOLING_SYSTEM_UNKNOWN');
  });
});

describe('labels', () => {
  it('names grades', () => {
    expect([1, 2, 3, 4, 5, 6].map((g) => gradeLabel(g))).toEqual(['一年级', '二年级', '三年级', '四年级', '五年级', '六年级']);
    expect([7, 8, 9, 10, 11, 12].map((g) => gradeLabel(g))).toEqual(['初一', '初二', '初三', '高一', '高二', '高三']);
    expect([6, 7, 8, 9].map((g) => gradeLabel(g, '5-4'))).toEqual(['六年级', '七年级', '八年级', '九年级']);
    expect(gradeLabel(10, '5-4')).toBe('高一');
  });

  it('names classes', () => {
    expect(className(7, 3)).toBe('初一(3)班');
    expect(className(1, 12)).toBe('一年级(12)班');
    expect(className(12, 1)).toBe('高三(1)班');
    expect(errorOf(() => className(7, 0)).code).toBe('CLASS_NUMBER_INVALID');
  });
});

describe('gradesOfSchool', () => {
  const cases: [string, string | undefined, number[]][] = [
    ['6-3-3', '21', [1, 2, 3, 4, 5, 6]],
    ['5-4', '21', [1, 2, 3, 4, 5]],
    ['6-3-3', '31', [7, 8, 9]],
    ['5-4', '31', [6, 7, 8, 9]],
    ['6-3-3', '34', [10, 11, 12]],
    ['9', undefined, [1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['3+3', '31', [7, 8, 9, 10, 11, 12]],
    ['12', undefined, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]],
  ];
  it.each(cases)('%s category %s', (system, category, grades) => {
    expect(gradesOfSchool(system, category)).toEqual(grades);
  });

  it('needs a category for 6-3-3 and 5-4 and refuses kindergartens', () => {
    expect(errorOf(() => gradesOfSchool('6-3-3')).code).toBe('SCHOOL_CATEGORY_REQUIRED');
    expect(errorOf(() => gradesOfSchool('5-4', '11')).code).toBe('SCHOOL_CATEGORY_NO_RECORD');
    expect(errorOf(() => gradesOfSchool('5-4', '99')).code).toBe('SCHOOL_CATEGORY_UNKNOWN');
  });

  it('lists stages', () => {
    expect(stagesOfSchool('3+3')).toEqual(['junior', 'senior']);
    expect(stagesOfSchool('9')).toEqual(['primary', 'junior']);
  });
});

describe('graduatingGrades', () => {
  it('one graduating grade for single-stage schools', () => {
    expect(graduatingGrades('6-3-3', '21')).toEqual([6]);
    expect(graduatingGrades('5-4', '21')).toEqual([5]);
    expect(graduatingGrades('5-4', '31')).toEqual([9]);
    expect(graduatingGrades('6-3-3', '34')).toEqual([12]);
  });

  it('一贯制: primary moves on internally, junior and senior graduate', () => {
    expect(graduatingGrades('9')).toEqual([9]);
    expect(graduatingGrades('12')).toEqual([9, 12]);
    expect(graduatingGrades('3+3')).toEqual([9, 12]);
    expect(isGraduatingGrade(6, '9')).toBe(false);
    expect(isGraduatingGrade(9, '9')).toBe(true);
  });
});

describe('isInitialGrade and nextGrade', () => {
  it('initial grades per stage', () => {
    expect([1, 7, 10].every((g) => isInitialGrade(g))).toBe(true);
    expect(isInitialGrade(6)).toBe(false);
    expect(isInitialGrade(6, '5-4')).toBe(true);
    expect(isInitialGrade(7, '5-4')).toBe(false);
  });

  it('promotes within the school and stops at graduation', () => {
    expect(nextGrade(11)).toBe(12);
    expect(nextGrade(12)).toBeNull();
    expect(nextGrade(6, '9')).toBe(7);
    expect(nextGrade(6, '6-3-3', '21')).toBeNull();
    expect(nextGrade(5, '5-4', '21')).toBeNull();
    expect(nextGrade(9, '12')).toBeNull();
    expect(nextGrade(8, '3+3')).toBe(9);
  });
});

describe('school years and cohorts', () => {
  it('school year switches on the promotion day', () => {
    expect(schoolYearOf({ year: 2026, month: 7, day: 31 })).toBe(2025);
    expect(schoolYearOf({ year: 2026, month: 8, day: 1 })).toBe(2026);
    expect(schoolYearOf({ year: 2026, month: 8, day: 9 }, 8, 10)).toBe(2025);
  });

  it('a cohort moves up one grade a year', () => {
    expect(gradeInSchoolYear(7, 2024, 2026)).toBe(9);
  });
});
