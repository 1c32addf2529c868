import { describe, it, expect } from 'vitest';
import { DEFAULT_ENTRY_AGE, fullYearsOn, checkEntryAge, entryCutoffDate, minAgeForGrade } from '../../src/domain/entry-age';
import { errorOf } from './helpers';

describe('fullYearsOn', () => {
  it('counts full years', () => {
    expect(fullYearsOn('2020-08-31', '2026-08-31')).toBe(6);
    expect(fullYearsOn('2020-09-01', '2026-08-31')).toBe(5);
    expect(fullYearsOn('20200901', '20260901')).toBe(6);
  });

  it('a 29 February birthday counts from 1 March in common years', () => {
    expect(fullYearsOn('2008-02-29', '2014-02-28')).toBe(5);
    expect(fullYearsOn('2008-02-29', '2014-03-01')).toBe(6);
    expect(fullYearsOn('2008-02-29', '2012-02-29')).toBe(4);
  });

  it('refuses invalid dates', () => {
    expect(errorOf(() => fullYearsOn('2009-02-29', '2014-03-01')).code).toBe('DATE_INVALID');
  });
});

describe('checkEntryAge', () => {
  it('31 August boundary for grade 1', () => {
    expect(DEFAULT_ENTRY_AGE).toEqual({ minAge: 6, cutoffMonth: 8, cutoffDay: 31 });
    expect(() => checkEntryAge('2020-08-31', 1, 2026)).not.toThrow();
    const e = errorOf(() => checkEntryAge('2020-09-01', 1, 2026));
    expect(e.code).toBe('STUDENT_TOO_YOUNG');
    expect(e.field).toBe('出生日期');
    expect(e.message).toContain('学龄前儿童不建学籍');
    expect(e.message).toContain('2026-08-31');
    expect(e.details).toMatchObject({ required: 6, age: 5 });
  });

  it('one year more per grade', () => {
    expect(minAgeForGrade(7)).toBe(12);
    expect(() => checkEntryAge('2014-08-31', 7, 2026)).not.toThrow();
    expect(errorOf(() => checkEntryAge('2014-09-01', 7, 2026)).code).toBe('STUDENT_TOO_YOUNG');
  });

  it('follows a configured cut-off (e.g. 31 December)', () => {
    expect(() => checkEntryAge('2020-12-31', 1, 2026, { cutoffMonth: 12, cutoffDay: 31 })).not.toThrow();
    expect(errorOf(() => checkEntryAge('2020-09-01', 1, 2026, { minAge: 7 })).code).toBe('STUDENT_TOO_YOUNG');
  });

  it('leap-day birthdays and a 29 February cut-off', () => {
    expect(entryCutoffDate(2027, { cutoffMonth: 2, cutoffDay: 29 })).toEqual({ year: 2027, month: 2, day: 28 });
    expect(entryCutoffDate(2028, { cutoffMonth: 2, cutoffDay: 29 })).toEqual({ year: 2028, month: 2, day: 29 });
    // Born 2020-02-29: on 2026-02-28 still 5, so a 28 February cut-off refuses, 31 August accepts.
    expect(errorOf(() => checkEntryAge('2020-02-29', 1, 2026, { cutoffMonth: 2, cutoffDay: 28 })).code).toBe('STUDENT_TOO_YOUNG');
    expect(() => checkEntryAge('2020-02-29', 1, 2026)).not.toThrow();
  });
});
