import { describe, it, expect } from 'vitest';
import {
  isRegionCode,
  isCountyCode,
  isCityCode,
  isProvinceCode,
  regionName,
  regionLevel,
  toRegion12,
  fromRegion12,
  validateRegion12,
  listCities,
  listCounties,
  listProvinces,
} from '../../src/domain/regions';
import { errorOf } from './helpers';

describe('region lookups', () => {
  it('knows provinces, cities and counties', () => {
    expect(isRegionCode('340000')).toBe(true);
    expect(isRegionCode('340100')).toBe(true);
    expect(isRegionCode('340104')).toBe(true);
    expect(isRegionCode('340199')).toBe(false);
    expect(isRegionCode('34010')).toBe(false);
    expect(isRegionCode(340104)).toBe(false);
    expect(regionLevel('340000')).toBe('province');
    expect(regionLevel('340100')).toBe('city');
    expect(regionLevel('340104')).toBe('county');
    expect(regionLevel('999999')).toBeUndefined();
  });

  it('gives full names without placeholders', () => {
    expect(regionName('340104')).toBe('安徽省 合肥市 蜀山区');
    expect(regionName('110101')).toBe('北京市 东城区');
    expect(regionName('429004')).toBe('湖北省 仙桃市');
    expect(regionName('441900')).toBe('广东省 东莞市');
    expect(regionName('810000')).toBe('香港特别行政区');
    expect(regionName('340104', '')).toBe('安徽省合肥市蜀山区');
  });

  it('treats 东莞 as both a city and its own county', () => {
    expect(isCityCode('441900')).toBe(true);
    expect(isCountyCode('441900')).toBe(true);
    expect(listCounties('441900').map((r) => r.code)).toEqual(['441900']);
  });

  it('lists cities of a province and counties of a city', () => {
    expect(listProvinces().length).toBe(34);
    const anhui = listCities('34');
    expect(anhui.map((c) => c.code)).toContain('340100');
    expect(listCities('340000')).toEqual(anhui);
    const hefei = listCounties('3401').map((c) => c.code);
    expect(hefei).toContain('340104');
    expect(hefei).toEqual(listCounties('340100').map((c) => c.code));
    expect(listCities('99')).toEqual([]);
    expect(isProvinceCode('110000')).toBe(true);
    expect(isCityCode('110100')).toBe(true);
  });
});

describe('12-digit template codes', () => {
  it('converts both ways', () => {
    expect(toRegion12('520102')).toBe('520102000000');
    expect(toRegion12('520102000000')).toBe('520102000000');
    expect(fromRegion12('520102000000')).toBe('520102');
    expect(errorOf(() => toRegion12('5201')).code).toBe('REGION_FORMAT');
  });

  it('validates and names the field', () => {
    expect(validateRegion12('340104000000', '出生地')).toBe('340104');
    const unknown = errorOf(() => validateRegion12('340199000000', '出生地'));
    expect(unknown.code).toBe('REGION_UNKNOWN');
    expect(unknown.message).toMatch(/^出生地：/);
    expect(unknown.field).toBe('出生地');
    const format = errorOf(() => validateRegion12('340104', '户口所在地'));
    expect(format.code).toBe('REGION_FORMAT');
    expect(format.message).toMatch(/^户口所在地：/);
    expect(errorOf(() => validateRegion12('340104001000', '户口所在地')).code).toBe('REGION_FORMAT');
  });

  it('can require a county-level code', () => {
    expect(validateRegion12('340104000000', '户口所在地', { level: 'county' })).toBe('340104');
    expect(errorOf(() => validateRegion12('340100000000', '户口所在地', { level: 'county' })).code).toBe('REGION_UNKNOWN');
    expect(validateRegion12('340100000000', '户口所在地', { level: 'city' })).toBe('340100');
  });
});

describe('regionChain: the levels a code lies in (cascading picker)', () => {
  it('county, city, province; 12-digit form too; 东莞 is its own county; unknown is empty', async () => {
    const { regionChain } = await import('../../src/domain/regions');
    expect(regionChain('340104000000')).toEqual({ province: '340000', city: '340100', county: '340104' });
    expect(regionChain('340100')).toEqual({ province: '340000', city: '340100' });
    expect(regionChain('340000000000')).toEqual({ province: '340000' });
    expect(regionChain('441900')).toEqual({ province: '440000', city: '441900', county: '441900' });
    expect(regionChain('990000')).toEqual({});
    expect(regionChain(null)).toEqual({});
  });
});
