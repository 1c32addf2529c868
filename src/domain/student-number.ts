/**
 * 学籍号 and 地区学号.
 * - G + ID number: the formal national number.
 * - L + school's 6-digit region code + 8-digit birth date + 4 random digits: temporary number at
 *   first registration (same legal weight).
 * - J + ID-style number (region + birth + 3-digit sequence + check): formal number for a student
 *   with no usable ID number.
 * - 地区学号: county code (6) + entry year (4) + sequence (6), 16 digits, fixed width so it sorts.
 * Builders throw DomainError on malformed input.
 */
import { DomainError, fieldError } from './errors';
import { compactCalendarDate, toCalendarDate } from './dates';
import { makeIdNumber, parseIdNumber } from './id-card';

const FIELD = '学籍号';
const REGIONAL_FIELD = '地区学号';

export type StudentNumberKind = 'G' | 'L' | 'J';

/** 'G' + the validated 18-digit ID number (15-digit numbers are refused, like for students). */
export function formalStudentNumber(idNumber: string, today?: Date): string {
  return `G${parseIdNumber(idNumber, { today }).id}`;
}

function birthPart(birthDate: string): string {
  const birth = toCalendarDate(birthDate);
  if (!birth) throw fieldError('STUDENT_NUMBER_FORMAT', FIELD, `出生日期 ${birthDate} 无效`);
  return compactCalendarDate(birth);
}

function regionPart(region6: string): string {
  if (!/^\d{6}$/.test(region6)) throw fieldError('STUDENT_NUMBER_FORMAT', FIELD, `行政区划代码应为 6 位数字，收到“${region6}”`);
  return region6;
}

/**
 * 'L' + school region + birth date + 4 digits. `random4` is injectable for tests; by default it
 * is drawn at random (uniqueness is the caller's job: retry on a unique-index conflict).
 */
export function temporaryStudentNumber(schoolRegion6: string, birthDate: string, random4?: string | number): string {
  const tail = random4 === undefined ? String(Math.floor(Math.random() * 10000)) : String(random4);
  if (!/^\d{1,4}$/.test(tail)) throw fieldError('STUDENT_NUMBER_FORMAT', FIELD, `临时号末 4 位应为数字，收到“${tail}”`);
  return `L${regionPart(schoolRegion6)}${birthPart(birthDate)}${tail.padStart(4, '0')}`;
}

/** 'J' + region + birth date + 3-digit sequence + GB 11643 check character. */
export function jStudentNumber(region6: string, birthDate: string, seq3: string | number): string {
  const seq = String(seq3);
  if (!/^\d{1,3}$/.test(seq)) throw fieldError('STUDENT_NUMBER_FORMAT', FIELD, `顺序码应为 0–999，收到“${seq}”`);
  return `J${makeIdNumber(regionPart(region6), birthPart(birthDate), seq.padStart(3, '0'))}`;
}

/** Which kind a 学籍号 is, or undefined when it has none of the three shapes. */
export function studentNumberKind(studentNumber: string): StudentNumberKind | undefined {
  const n = studentNumber.trim().toUpperCase();
  if (/^[GJ]\d{17}[\dX]$/.test(n)) return n[0] as StudentNumberKind;
  if (/^L\d{18}$/.test(n)) return 'L';
  return undefined;
}

export const REGIONAL_SEQ_MAX = 999_999;

/** 地区学号: county code + entry year + 6-digit zero-padded sequence (1–999999). */
export function formatRegionalNumber(countyCode6: string, entryYear: number, seq: number): string {
  if (!/^\d{6}$/.test(countyCode6)) {
    throw fieldError('REGIONAL_NUMBER_FORMAT', REGIONAL_FIELD, `县级行政区划代码应为 6 位数字，收到“${countyCode6}”`);
  }
  if (!Number.isInteger(entryYear) || entryYear < 1900 || entryYear > 9999) {
    throw fieldError('REGIONAL_NUMBER_FORMAT', REGIONAL_FIELD, `入学年份 ${entryYear} 无效`);
  }
  if (!Number.isInteger(seq) || seq < 1) {
    throw fieldError('REGIONAL_NUMBER_FORMAT', REGIONAL_FIELD, `顺序号应为正整数，收到 ${seq}`);
  }
  if (seq > REGIONAL_SEQ_MAX) {
    throw new DomainError(
      'REGIONAL_NUMBER_OVERFLOW',
      `${REGIONAL_FIELD}：${countyCode6} 在 ${entryYear} 年的顺序号已用尽（最多 ${REGIONAL_SEQ_MAX} 个）`,
      REGIONAL_FIELD,
      { countyCode: countyCode6, entryYear, seq },
    );
  }
  return `${countyCode6}${entryYear}${String(seq).padStart(6, '0')}`;
}

export interface RegionalNumber {
  countyCode: string;
  entryYear: number;
  seq: number;
}

export function parseRegionalNumber(value: string): RegionalNumber {
  const m = /^(\d{6})(\d{4})(\d{6})$/.exec(String(value).trim());
  if (!m || Number(m[3]) === 0) {
    throw fieldError('REGIONAL_NUMBER_FORMAT', REGIONAL_FIELD, `应为 16 位数字（县级代码 6 位 + 入学年份 4 位 + 顺序号 6 位），收到“${value}”`);
  }
  return { countyCode: m[1], entryYear: Number(m[2]), seq: Number(m[3]) };
}
