/**
 * Deadlines in Chinese working days (SPEC §4: 15, 5, 20 working days). Official holidays and
 * make-up working days (调休) come from the maintained `chinese-days` package, whose data
 * (1.5.7) covers 2004–2026; the State Council announces a year's schedule each November, and a
 * newer package release carries it. Beyond the covered years a day counts as a working day
 * when it is Monday–Friday, unless configuration lists it (`extraHolidays`, `extraWorkdays`
 * in config/xueji.ts), and a deadline computed over such days is flagged `estimated`.
 */
import { isWorkday as packageIsWorkday } from 'chinese-days';
import { parseCalendarDate, formatCalendarDate, type CalendarDate } from './dates';

/** Years whose holiday schedule the package carries. */
export const CALENDAR_YEARS = { first: 2004, last: 2026 } as const;

export interface CalendarOverrides {
  /** YYYY-MM-DD days off not in the package (e.g. next year's schedule before a release). */
  extraHolidays?: readonly string[];
  /** YYYY-MM-DD make-up working days not in the package. */
  extraWorkdays?: readonly string[];
}

const toUtc = (d: CalendarDate) => Date.UTC(d.year, d.month - 1, d.day);
const fromUtc = (ms: number): CalendarDate => {
  const x = new Date(ms);
  return { year: x.getUTCFullYear(), month: x.getUTCMonth() + 1, day: x.getUTCDate() };
};

export const coveredYear = (year: number) => year >= CALENDAR_YEARS.first && year <= CALENDAR_YEARS.last;

/** Whether a day is a working day; `estimated` when the package has no data for its year. */
export function workdayInfo(day: string, o: CalendarOverrides = {}): { workday: boolean; estimated: boolean } {
  const d = parseCalendarDate(day);
  if (!d) throw new Error(`working-days: not a date “${day}”`);
  const text = formatCalendarDate(d);
  if (o.extraHolidays?.includes(text)) return { workday: false, estimated: false };
  if (o.extraWorkdays?.includes(text)) return { workday: true, estimated: false };
  if (coveredYear(d.year)) return { workday: packageIsWorkday(text), estimated: false };
  const weekday = new Date(toUtc(d)).getUTCDay();
  return { workday: weekday !== 0 && weekday !== 6, estimated: true };
}

export const isWorkingDay = (day: string, o?: CalendarOverrides) => workdayInfo(day, o).workday;

/**
 * The day by which something started on `start` is due: the n-th working day after `start`
 * (the start day itself is not counted, as "within 15 working days" reads).
 */
export function addWorkingDays(start: string, n: number, o: CalendarOverrides = {}): { date: string; estimated: boolean } {
  const s = parseCalendarDate(start);
  if (!s) throw new Error(`working-days: not a date “${start}”`);
  if (!Number.isInteger(n) || n < 0) throw new Error(`working-days: not a day count “${n}”`);
  let ms = toUtc(s);
  let left = n;
  let estimated = false;
  while (left > 0) {
    ms += 86_400_000;
    const info = workdayInfo(formatCalendarDate(fromUtc(ms)), o);
    estimated ||= info.estimated;
    if (info.workday) left -= 1;
  }
  return { date: formatCalendarDate(fromUtc(ms)), estimated };
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: string, to: string, o: CalendarOverrides = {}): number {
  const a = parseCalendarDate(from);
  const b = parseCalendarDate(to);
  if (!a || !b) throw new Error('working-days: not a date');
  let count = 0;
  for (let ms = toUtc(a) + 86_400_000; ms <= toUtc(b); ms += 86_400_000) {
    if (workdayInfo(formatCalendarDate(fromUtc(ms)), o).workday) count += 1;
  }
  return count;
}
