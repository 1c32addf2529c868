import { describe, it, expect } from 'vitest';
import { parseSchoolCode, isSchoolCode } from '../../src/domain/school-code';
import { errorOf } from './helpers';

describe('parseSchoolCode', () => {
  it('splits category, province and sequence', () => {
    expect(parseSchoolCode('2134000123')).toEqual({
      code: '2134000123',
      category: '21',
      categoryLabel: '小学',
      province: '34',
      provinceCode: '340000',
      sequence: '000123',
    });
    expect(parseSchoolCode(' 3434001234 ').category).toBe('34');
  });

  it('refuses bad formats, unknown categories, kindergartens and unknown provinces', () => {
    const format = errorOf(() => parseSchoolCode('213400012'));
    expect(format.code).toBe('SCHOOL_CODE_FORMAT');
    expect(format.message).toMatch(/^学校标识码：/);
    expect(errorOf(() => parseSchoolCode('9934000123')).code).toBe('SCHOOL_CATEGORY_UNKNOWN');
    const kg = errorOf(() => parseSchoolCode('1134000123'));
    expect(kg.code).toBe('SCHOOL_CATEGORY_NO_RECORD');
    expect(kg.message).toContain('幼儿园');
    expect(errorOf(() => parseSchoolCode('2199000123')).code).toBe('SCHOOL_CODE_PROVINCE');
    expect(isSchoolCode('2134000123')).toBe(true);
    expect(isSchoolCode('x')).toBe(false);
  });
});
