/**
 * 国籍/地区 GB/T 2659 — the same numeric codes as ISO 3166-1 (3 digits, '156' 中国), with the
 * Chinese names of the maintained `i18n-iso-countries` package. Hong Kong, Macao and Taiwan carry
 * the names the national student system uses (the package names them 香港, 澳门, 中国台湾省).
 */
import countries from 'i18n-iso-countries';
import zh from 'i18n-iso-countries/langs/zh.json';
import type { CodeEntry } from './code-tables';

countries.registerLocale(zh as any);

const NATIONAL_NAMES: Readonly<Record<string, string>> = { '344': '中国香港', '446': '中国澳门', '158': '中国台湾' };

/** Every country or region, 中国 first, then by code. */
export const COUNTRY_TABLE: readonly CodeEntry[] = Object.entries(countries.getNumericCodes())
  .map(([numeric, alpha2]) => ({ code: numeric, label: NATIONAL_NAMES[numeric] ?? countries.getName(alpha2, 'zh') ?? alpha2 }))
  .sort((a, b) => (a.code === '156' ? -1 : b.code === '156' ? 1 : a.code.localeCompare(b.code)));
