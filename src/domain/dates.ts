/**
 * Calendar dates as plain `{ year, month, day }` — no Date arithmetic, so no time-zone drift:
 * a birth date is a calendar day, not an instant.
 */

export interface CalendarDate {
  year: number;
  month: number; // 1–12
  day: number; // 1–31
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) &&
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  );
}

/**
 * Reads 'YYYY-MM-DD', 'YYYYMMDD' or 'YYYY/MM/DD'; null when malformed or not a real day
 * (e.g. 2009-02-29).
 */
export function parseCalendarDate(value: string): CalendarDate | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value.trim().replace(/\//g, '-'));
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidCalendarDate(year, month, day) ? { year, month, day } : null;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** 'YYYY-MM-DD'. */
export function formatCalendarDate(d: CalendarDate): string {
  return `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}`;
}

/** 'YYYYMMDD', the form inside ID and student numbers. */
export function compactCalendarDate(d: CalendarDate): string {
  return `${pad(d.year, 4)}${pad(d.month, 2)}${pad(d.day, 2)}`;
}

export function compareCalendarDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The calendar day in China (UTC+8, no DST) of an instant: the day a registrar sees. */
export function chinaDateOf(instant: Date): CalendarDate {
  const shifted = new Date(instant.getTime() + 8 * 3600 * 1000);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Accepts a date string or a Date (taken as its day in China). */
export function toCalendarDate(value: string | Date | CalendarDate): CalendarDate | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : chinaDateOf(value);
  if (typeof value === 'string') return parseCalendarDate(value);
  return isValidCalendarDate(value.year, value.month, value.day) ? value : null;
}
