/**
 * The one scope rule (DESIGN.md "One scope rule"): every scoped record carries four columns —
 * provinceCode, cityCode, countyCode (6-digit GB/T 2260) and schoolCode (10-digit 学校标识码) —
 * and a user sees a record when the column of the user's level equals the user's code.
 * Plain equality, so the same predicate works as a Strapi RBAC condition ($eq only), a Document
 * Service filter, a knex where and a Citus shard key. No other copy of this rule may exist.
 */
import { fieldError } from './errors';
import { parseSchoolCode } from './school-code';
import { isCityCode, isCountyCode, isProvinceCode } from './regions';

/** The RBAC conditions of the region scope (registered by src/server/scope.ts; the panel reads them too). */
export const SCOPE_CONDITION_NAME = 'xueji-in-scope';
export const SCOPE_EITHER_SIDE_CONDITION_NAME = 'xueji-in-scope-either-side';
export const SCOPE_CONDITION = `api::${SCOPE_CONDITION_NAME}`;
export const SCOPE_EITHER_SIDE_CONDITION = `api::${SCOPE_EITHER_SIDE_CONDITION_NAME}`;

export type ScopeLevel = 'province' | 'city' | 'county' | 'school';
export const SCOPE_LEVELS: readonly ScopeLevel[] = ['province', 'city', 'county', 'school'];

export interface ScopeColumns {
  provinceCode: string;
  cityCode: string;
  countyCode: string;
  schoolCode: string;
}
export type ScopeColumn = keyof ScopeColumns;

export interface UserScope {
  level: ScopeLevel;
  code: string;
}

const COLUMN_OF: Record<ScopeLevel, ScopeColumn> = {
  province: 'provinceCode',
  city: 'cityCode',
  county: 'countyCode',
  school: 'schoolCode',
};

/** The scope columns every scoped record carries, in level order. */
export const SCOPE_COLUMNS: readonly ScopeColumn[] = ['provinceCode', 'cityCode', 'countyCode', 'schoolCode'];

/** The receiving side's columns of a two-sided record (a transfer request), by own-side column. */
export const TO_SIDE_COLUMNS: Readonly<Record<ScopeColumn, string>> = {
  provinceCode: 'toProvinceCode', cityCode: 'toCityCode', countyCode: 'toCountyCode', schoolCode: 'toSchoolCode',
};

/** The scope columns of a school row (its own 标识码 is the school column). */
export function scopeColumnsOfSchool(school: { provinceCode?: string | null; cityCode?: string | null; countyCode?: string | null; code: string }): ScopeColumns {
  return { provinceCode: school.provinceCode ?? '', cityCode: school.cityCode ?? '', countyCode: school.countyCode ?? '', schoolCode: school.code };
}

/** Copies the scope columns of a record that already carries them (student → sub-record). */
export function scopeColumnsOfRow(row: Partial<ScopeColumns>): Partial<ScopeColumns> {
  return Object.fromEntries(SCOPE_COLUMNS.map((c) => [c, row[c] ?? null])) as Partial<ScopeColumns>;
}

/** Scope columns of a region-level user scope (province/city/county): the prefix columns. */
export function scopeColumnsOfRegion(level: Exclude<ScopeLevel, 'school'>, code: string): Record<ScopeColumn, string | null> {
  return {
    provinceCode: `${code.slice(0, 2)}0000`,
    cityCode: level === 'province' ? null : `${code.slice(0, 4)}00`,
    countyCode: level === 'county' ? code : null,
    schoolCode: null,
  };
}

export const SCOPE_LEVEL_LABELS: Record<ScopeLevel, string> = { province: '省级', city: '市级', county: '县级', school: '学校' };

export function scopeColumnOf(level: ScopeLevel): ScopeColumn {
  const column = COLUMN_OF[level];
  if (!column) throw fieldError('SCOPE_LEVEL_UNKNOWN', '管理范围', `未知层级“${String(level)}”`);
  return column;
}

/**
 * Derives the columns from the school's county and 标识码. The city column is the first four
 * digits + '00', which also works for 省直辖县级 (429004 → 429000) and municipalities
 * (110101 → 110100). Throws SCOPE_CODE_FORMAT, or SCOPE_MISMATCH when the school code's province
 * digits differ from the county's province. The county's existence is not checked here: the
 * region data is from 2023 and a newer county must not block its schools.
 */
export function scopeColumnsFor(countyCode6: string, schoolCode10: string): ScopeColumns {
  if (!/^\d{6}$/.test(countyCode6) || countyCode6.endsWith('0000')) {
    throw fieldError('SCOPE_CODE_FORMAT', '县级行政区划代码', `应为 6 位县级代码，收到“${countyCode6}”`);
  }
  const school = parseSchoolCode(schoolCode10);
  if (school.province !== countyCode6.slice(0, 2)) {
    throw fieldError('SCOPE_MISMATCH', '学校标识码', `省份代码 ${school.province} 与所在县 ${countyCode6} 不属于同一省份`, {
      countyCode: countyCode6,
      schoolCode: schoolCode10,
    });
  }
  return {
    provinceCode: `${countyCode6.slice(0, 2)}0000`,
    cityCode: `${countyCode6.slice(0, 4)}00`,
    countyCode: countyCode6,
    schoolCode: school.code,
  };
}

/** The Strapi filter of a user's scope: `{ countyCode: { $eq: '340104' } }`. */
export function scopeFilter(userScope: UserScope): Partial<Record<ScopeColumn, { $eq: string }>> {
  return { [scopeColumnOf(userScope.level)]: { $eq: userScope.code } };
}

/** Same predicate in memory. */
export function isInScope(userScope: UserScope, columns: Partial<ScopeColumns>): boolean {
  const value = columns[scopeColumnOf(userScope.level)];
  return value !== undefined && value !== null && value === userScope.code;
}

/**
 * Checks a scope code has the shape and exists at its level (for the admin-user mapping
 * record). Throws SCOPE_CODE_FORMAT / SCOPE_CODE_UNKNOWN.
 */
export function validateScopeCode(level: ScopeLevel, code: string): void {
  const label = SCOPE_LEVEL_LABELS[level];
  if (!label) throw fieldError('SCOPE_LEVEL_UNKNOWN', '管理范围', `未知层级“${String(level)}”`);
  if (level === 'school') {
    parseSchoolCode(code, '管理范围（学校标识码）');
    return;
  }
  if (!/^\d{6}$/.test(code)) {
    throw fieldError('SCOPE_CODE_FORMAT', '管理范围', `${label}代码应为 6 位数字，收到“${code}”`);
  }
  const exists = level === 'province' ? isProvinceCode(code) : level === 'city' ? isCityCode(code) : isCountyCode(code);
  if (!exists) {
    throw fieldError('SCOPE_CODE_UNKNOWN', '管理范围', `${code} 不是有效的${label}行政区划代码`, { level, code });
  }
}
