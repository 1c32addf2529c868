/**
 * Entry age: a child must be `minAge` full years old on the cut-off day (31 August by default,
 * configurable per province) of the entry year to enter grade 1; one more year per higher grade.
 * No record for preschool children (A §10). Throws DomainError.
 *
 * Ages count calendar days, not Dates: someone born on 29 February turns a year older on
 * 1 March in non-leap years (the day after 28 February), the usual legal reading.
 */
import { fieldError } from './errors';
import { gradeLabel } from './grades';
import { daysInMonth, toCalendarDate, formatCalendarDate, type CalendarDate } from './dates';

export interface EntryAgeRules {
  minAge: number;
  cutoffMonth: number;
  cutoffDay: number;
}

export const DEFAULT_ENTRY_AGE: Readonly<EntryAgeRules> = Object.freeze({ minAge: 6, cutoffMonth: 8, cutoffDay: 31 });

function dateOrThrow(value: string | Date | CalendarDate, field: string): CalendarDate {
  const d = toCalendarDate(value);
  if (!d) throw fieldError('DATE_INVALID', field, `日期 ${String(value)} 无效`);
  return d;
}

/** Full years (周岁) of someone born on `birthDate` on day `onDate`. */
export function fullYearsOn(birthDate: string | Date | CalendarDate, onDate: string | Date | CalendarDate): number {
  const b = dateOrThrow(birthDate, '出生日期');
  const on = dateOrThrow(onDate, '日期');
  let years = on.year - b.year;
  if (on.month < b.month || (on.month === b.month && on.day < b.day)) years -= 1;
  return years;
}

/** The cut-off day of an entry year; a 29 February cut-off falls back to the 28th in common years. */
export function entryCutoffDate(entryYear: number, rules: Partial<EntryAgeRules> = {}): CalendarDate {
  const r = { ...DEFAULT_ENTRY_AGE, ...rules };
  return { year: entryYear, month: r.cutoffMonth, day: Math.min(r.cutoffDay, daysInMonth(entryYear, r.cutoffMonth)) };
}

/** Minimum full years for a grade: minAge for grade 1, one more per grade above. */
export function minAgeForGrade(grade: number, rules: Partial<EntryAgeRules> = {}): number {
  return ({ ...DEFAULT_ENTRY_AGE, ...rules }).minAge + (grade - 1);
}

/** Throws STUDENT_TOO_YOUNG when the child is under age for `grade` in `entryYear`. */
export function checkEntryAge(
  birthDate: string | Date | CalendarDate,
  grade: number,
  entryYear: number,
  rules: Partial<EntryAgeRules> = {},
): void {
  const cutoff = entryCutoffDate(entryYear, rules);
  const required = minAgeForGrade(grade, rules);
  const age = fullYearsOn(birthDate, cutoff);
  if (age < required) {
    throw fieldError(
      'STUDENT_TOO_YOUNG',
      '出生日期',
      `学龄前儿童不建学籍：入读${gradeLabel(grade)}须在 ${formatCalendarDate(cutoff)}（含）前年满 ${required} 周岁，该生届时 ${age} 周岁`,
      { required, age, cutoff: formatCalendarDate(cutoff), grade, entryYear },
    );
  }
}
