import { describe, it, expect } from 'vitest';
import { addWorkingDays, workingDaysBetween, workdayInfo, isWorkingDay, CALENDAR_YEARS } from '../../src/domain/working-days';

// Calendar facts below were checked against chinese-days 1.5.7 (getDayDetail / isWorkday):
// 2026 National Day: 10-01 (Thu) … 10-07 (Wed) off; make-up working days 09-20 (Sun) and 10-10 (Sat).
// 2026 Dragon Boat: 06-19 (Fri) off. 2026-03-06 is an ordinary Friday.

describe('CALENDAR_YEARS', () => {
  it('covers the package data 2004–2026', () => {
    expect(CALENDAR_YEARS).toEqual({ first: 2004, last: 2026 });
    // First covered year: 2004 National Day (a Friday) is a holiday from the package, not estimated.
    expect(workdayInfo('2004-10-01')).toEqual({ workday: false, estimated: false });
    // Before the covered years: a plain weekday, flagged estimated.
    expect(workdayInfo('2003-10-01')).toEqual({ workday: true, estimated: true });
  });
});

describe('workdayInfo', () => {
  it('holidays and make-up working days of 2026 come from the package', () => {
    for (const d of ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-06-19']) {
      expect(workdayInfo(d)).toEqual({ workday: false, estimated: false });
    }
    // Make-up Sunday and Saturday of the National Day holiday.
    expect(workdayInfo('2026-09-20')).toEqual({ workday: true, estimated: false });
    expect(workdayInfo('2026-10-10')).toEqual({ workday: true, estimated: false });
    // An ordinary weekend and an ordinary weekday.
    expect(workdayInfo('2026-09-19')).toEqual({ workday: false, estimated: false });
    expect(workdayInfo('2026-10-08')).toEqual({ workday: true, estimated: false });
    expect(isWorkingDay('2026-10-01')).toBe(false);
    expect(isWorkingDay('2026-10-10')).toBe(true);
  });

  it('beyond 2026: Monday–Friday, estimated', () => {
    expect(workdayInfo('2027-01-01')).toEqual({ workday: true, estimated: true }); // a Friday
    expect(workdayInfo('2027-01-02')).toEqual({ workday: false, estimated: true }); // Saturday
    expect(workdayInfo('2027-01-03')).toEqual({ workday: false, estimated: true }); // Sunday
    expect(workdayInfo('2027-01-04')).toEqual({ workday: true, estimated: true }); // Monday
  });

  it('configured days override the package and the weekday estimate, and are not estimated', () => {
    expect(workdayInfo('2027-01-01', { extraHolidays: ['2027-01-01'] })).toEqual({ workday: false, estimated: false });
    expect(workdayInfo('2027-01-02', { extraWorkdays: ['2027-01-02'] })).toEqual({ workday: true, estimated: false });
    expect(workdayInfo('2026-10-09', { extraHolidays: ['2026-10-09'] })).toEqual({ workday: false, estimated: false });
    expect(workdayInfo('2026-10-03', { extraWorkdays: ['2026-10-03'] })).toEqual({ workday: true, estimated: false });
  });

  it('accepts the other date spellings and refuses non-dates', () => {
    expect(workdayInfo('20261010')).toEqual({ workday: true, estimated: false });
    expect(workdayInfo('2026/10/01')).toEqual({ workday: false, estimated: false });
    expect(() => workdayInfo('2026-02-30')).toThrow();
    expect(() => workdayInfo('not a date')).toThrow();
  });
});

describe('addWorkingDays', () => {
  it('a due date across the National Day holiday is later than plain weekdays would give', () => {
    // 1 working day after 09-30: 10-01…10-07 are off, so 10-08 (plain weekdays: 10-01).
    expect(addWorkingDays('2026-09-30', 1)).toEqual({ date: '2026-10-08', estimated: false });
    // 15 working days after 09-30: 10-08, 10-09, 10-10 (make-up Saturday), 10-12…16, 19…23, 26, 27.
    // Plain Monday–Friday counting would give 10-21.
    expect(addWorkingDays('2026-09-30', 15)).toEqual({ date: '2026-10-27', estimated: false });
    expect(addWorkingDays('2026-09-30', 5)).toEqual({ date: '2026-10-13', estimated: false });
  });

  it('a make-up Saturday (and Sunday) counts as a working day', () => {
    expect(addWorkingDays('2026-10-09', 1)).toEqual({ date: '2026-10-10', estimated: false });
    expect(addWorkingDays('2026-09-18', 1)).toEqual({ date: '2026-09-20', estimated: false });
  });

  it('a start on a Friday: the weekend is skipped, the start day is not counted', () => {
    expect(addWorkingDays('2026-03-06', 1)).toEqual({ date: '2026-03-09', estimated: false });
    expect(addWorkingDays('2026-03-06', 5)).toEqual({ date: '2026-03-13', estimated: false });
    // A Thursday before the Dragon Boat Friday: the holiday and the weekend are skipped.
    expect(addWorkingDays('2026-06-18', 1)).toEqual({ date: '2026-06-22', estimated: false });
  });

  it('n = 0 is the start day itself, even on a holiday', () => {
    expect(addWorkingDays('2026-10-03', 0)).toEqual({ date: '2026-10-03', estimated: false });
    expect(addWorkingDays('2026-03-06', 0)).toEqual({ date: '2026-03-06', estimated: false });
  });

  it('beyond 2026: weekends skipped and the result flagged estimated', () => {
    expect(addWorkingDays('2026-12-30', 1)).toEqual({ date: '2026-12-31', estimated: false });
    expect(addWorkingDays('2026-12-31', 1)).toEqual({ date: '2027-01-01', estimated: true });
    expect(addWorkingDays('2027-01-01', 1)).toEqual({ date: '2027-01-04', estimated: true });
    expect(addWorkingDays('2027-01-01', 5)).toEqual({ date: '2027-01-08', estimated: true });
  });

  it('extraHolidays and extraWorkdays move the due date', () => {
    expect(addWorkingDays('2026-12-31', 1, { extraHolidays: ['2027-01-01'] })).toEqual({ date: '2027-01-04', estimated: true });
    // Only the configured make-up day is counted, so nothing is estimated.
    expect(addWorkingDays('2027-01-01', 1, { extraWorkdays: ['2027-01-02'] })).toEqual({ date: '2027-01-02', estimated: false });
    // Overrides win over the package inside the covered years too.
    expect(addWorkingDays('2026-10-08', 1, { extraHolidays: ['2026-10-09'] }).date).toBe('2026-10-10');
    expect(addWorkingDays('2026-09-30', 1, { extraWorkdays: ['2026-10-01'] }).date).toBe('2026-10-01');
  });

  it('refuses an invalid start or day count', () => {
    expect(() => addWorkingDays('2026-02-29', 1)).toThrow(/not a date/);
    expect(() => addWorkingDays('', 1)).toThrow(/not a date/);
    expect(() => addWorkingDays('2026-03-06', -1)).toThrow(/not a day count/);
    expect(() => addWorkingDays('2026-03-06', 1.5)).toThrow(/not a day count/);
    expect(() => addWorkingDays('2026-03-06', Number.NaN)).toThrow(/not a day count/);
  });
});

describe('workingDaysBetween', () => {
  it('counts working days after `from` up to and including `to`', () => {
    // 10-08, 10-09 and the make-up 10-10.
    expect(workingDaysBetween('2026-09-30', '2026-10-10')).toBe(3);
    // Saturday off, make-up Sunday counts.
    expect(workingDaysBetween('2026-09-18', '2026-09-20')).toBe(1);
    expect(workingDaysBetween('2026-03-06', '2026-03-13')).toBe(5);
  });

  it('agrees with addWorkingDays', () => {
    const due = addWorkingDays('2026-09-30', 15).date;
    expect(workingDaysBetween('2026-09-30', due)).toBe(15);
  });

  it('is 0 when `to` is not after `from`', () => {
    expect(workingDaysBetween('2026-10-10', '2026-09-30')).toBe(0);
    expect(workingDaysBetween('2026-10-08', '2026-10-08')).toBe(0);
  });

  it('applies overrides and estimates beyond 2026', () => {
    expect(workingDaysBetween('2026-12-31', '2027-01-08')).toBe(6);
    expect(workingDaysBetween('2026-12-31', '2027-01-08', { extraHolidays: ['2027-01-01'], extraWorkdays: ['2027-01-02'] })).toBe(6);
    expect(workingDaysBetween('2026-12-31', '2027-01-08', { extraHolidays: ['2027-01-01'] })).toBe(5);
  });

  it('refuses invalid dates', () => {
    expect(() => workingDaysBetween('x', '2026-10-10')).toThrow(/not a date/);
    expect(() => workingDaysBetween('2026-10-10', '2026-13-01')).toThrow(/not a date/);
  });
});
