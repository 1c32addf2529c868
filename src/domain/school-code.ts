/**
 * 学校标识码: 10 digits = 2-digit school category + 2-digit province code + 6-digit sequence.
 * `parseSchoolCode` throws DomainError: SCHOOL_CODE_FORMAT, SCHOOL_CATEGORY_UNKNOWN,
 * SCHOOL_CATEGORY_NO_RECORD (幼儿园: no 学籍), SCHOOL_CODE_PROVINCE (unknown province digits).
 */
import { fieldError } from './errors';
import { CODE_TABLES, codeLabel, RECORD_SCHOOL_CATEGORIES, type SchoolCategoryCode } from './code-tables';
import { isProvinceCode } from './regions';

const FIELD = '学校标识码';

export interface SchoolCode {
  code: string;
  category: SchoolCategoryCode;
  categoryLabel: string;
  /** 2 digits, e.g. '34'. */
  province: string;
  /** 6-digit region code of the province, e.g. '340000'. */
  provinceCode: string;
  sequence: string;
}

export function parseSchoolCode(code10: string, field = FIELD): SchoolCode {
  const code = String(code10 ?? '').trim();
  if (!/^\d{10}$/.test(code)) {
    throw fieldError('SCHOOL_CODE_FORMAT', field, `应为 10 位数字（学校类别 2 位 + 省份 2 位 + 顺序号 6 位），收到“${code}”`);
  }
  const category = code.slice(0, 2);
  const categoryLabel = codeLabel(CODE_TABLES.schoolCategory, category);
  if (!categoryLabel) {
    throw fieldError('SCHOOL_CATEGORY_UNKNOWN', field, `前 2 位学校类别 ${category} 不存在`, { category });
  }
  if (!(RECORD_SCHOOL_CATEGORIES as readonly string[]).includes(category)) {
    throw fieldError('SCHOOL_CATEGORY_NO_RECORD', field, `学校类别“${categoryLabel}”不建学籍`, { category });
  }
  const province = code.slice(2, 4);
  if (!isProvinceCode(`${province}0000`)) {
    throw fieldError('SCHOOL_CODE_PROVINCE', field, `第 3–4 位省份代码 ${province} 不存在`, { province });
  }
  return {
    code,
    category: category as SchoolCategoryCode,
    categoryLabel,
    province,
    provinceCode: `${province}0000`,
    sequence: code.slice(4),
  };
}

export function isSchoolCode(code10: unknown): boolean {
  try {
    parseSchoolCode(String(code10));
    return true;
  } catch {
    return false;
  }
}
