import { describe, it, expect } from 'vitest';
import { scopeColumnsFor, scopeColumnOf, scopeFilter, isInScope, validateScopeCode, type UserScope } from '../../src/domain/scope';
import { errorOf } from './helpers';

describe('scopeColumnsFor', () => {
  it('derives the four columns', () => {
    expect(scopeColumnsFor('340104', '2134000123')).toEqual({
      provinceCode: '340000',
      cityCode: '340100',
      countyCode: '340104',
      schoolCode: '2134000123',
    });
  });

  it('handles 省直辖县级, municipalities and 东莞', () => {
    expect(scopeColumnsFor('429004', '2142000001').cityCode).toBe('429000');
    expect(scopeColumnsFor('110101', '2111000001')).toMatchObject({ provinceCode: '110000', cityCode: '110100' });
    expect(scopeColumnsFor('441900', '2144000001')).toMatchObject({ cityCode: '441900', countyCode: '441900' });
  });

  it('refuses bad codes and a school of another province', () => {
    expect(errorOf(() => scopeColumnsFor('340000', '2134000123')).code).toBe('SCOPE_CODE_FORMAT');
    expect(errorOf(() => scopeColumnsFor('34010', '2134000123')).code).toBe('SCOPE_CODE_FORMAT');
    expect(errorOf(() => scopeColumnsFor('340104', '213400012')).code).toBe('SCHOOL_CODE_FORMAT');
    expect(errorOf(() => scopeColumnsFor('340104', '2132000123')).code).toBe('SCOPE_MISMATCH');
  });
});

describe('the predicate', () => {
  const columns = scopeColumnsFor('340104', '2134000123');

  it('maps levels to columns and builds an $eq filter', () => {
    expect(scopeColumnOf('province')).toBe('provinceCode');
    expect(scopeColumnOf('school')).toBe('schoolCode');
    expect(scopeFilter({ level: 'county', code: '340104' })).toEqual({ countyCode: { $eq: '340104' } });
    expect(errorOf(() => scopeColumnOf('town' as never)).code).toBe('SCOPE_LEVEL_UNKNOWN');
  });

  it('isInScope agrees with the filter', () => {
    const inside: UserScope[] = [
      { level: 'province', code: '340000' },
      { level: 'city', code: '340100' },
      { level: 'county', code: '340104' },
      { level: 'school', code: '2134000123' },
    ];
    for (const s of inside) expect(isInScope(s, columns)).toBe(true);
    expect(isInScope({ level: 'county', code: '340103' }, columns)).toBe(false);
    expect(isInScope({ level: 'province', code: '320000' }, columns)).toBe(false);
    expect(isInScope({ level: 'school', code: '2134000124' }, columns)).toBe(false);
    expect(isInScope({ level: 'county', code: '340104' }, { provinceCode: '340000' })).toBe(false);
  });
});

describe('validateScopeCode', () => {
  it('accepts existing codes of the level', () => {
    expect(() => validateScopeCode('province', '340000')).not.toThrow();
    expect(() => validateScopeCode('city', '340100')).not.toThrow();
    expect(() => validateScopeCode('county', '340104')).not.toThrow();
    expect(() => validateScopeCode('county', '441900')).not.toThrow();
    expect(() => validateScopeCode('school', '2134000123')).not.toThrow();
  });

  it('refuses wrong shapes and codes of another level', () => {
    expect(errorOf(() => validateScopeCode('province', '34')).code).toBe('SCOPE_CODE_FORMAT');
    expect(errorOf(() => validateScopeCode('province', '340100')).code).toBe('SCOPE_CODE_UNKNOWN');
    expect(errorOf(() => validateScopeCode('city', '340104')).code).toBe('SCOPE_CODE_UNKNOWN');
    expect(errorOf(() => validateScopeCode('county', '340100')).code).toBe('SCOPE_CODE_UNKNOWN');
    expect(errorOf(() => validateScopeCode('school', '340104')).code).toBe('SCHOOL_CODE_FORMAT');
  });
});
