import { describe, it, expect } from 'vitest';
import { COUNTRY_TABLE } from '../../src/domain/countries';
import { hasCode, labelOf } from '../../src/domain/code-lookup';
import { STUDENT_FIELDS } from '../../src/domain/student-fields';
import { parseCell } from '../../src/domain/excel-columns';

describe('国籍/地区 code table (GB/T 2659 numeric)', () => {
  it('names codes in Chinese, with the national names for Hong Kong, Macao and Taiwan', () => {
    expect(labelOf('country', '156')).toBe('中国');
    expect(labelOf('country', '344')).toBe('中国香港');
    expect(labelOf('country', '446')).toBe('中国澳门');
    expect(labelOf('country', '158')).toBe('中国台湾');
    expect(labelOf('country', '840')).toBe('美国');
  });

  it('has ~250 three-digit codes with unique names, 中国 first', () => {
    expect(COUNTRY_TABLE.length).toBeGreaterThanOrEqual(249);
    expect(COUNTRY_TABLE.every((c) => /^\d{3}$/.test(c.code))).toBe(true);
    expect(new Set(COUNTRY_TABLE.map((c) => c.label)).size).toBe(COUNTRY_TABLE.length);
    expect(COUNTRY_TABLE[0]).toEqual({ code: '156', label: '中国' });
  });

  it('refuses unknown codes', () => {
    expect(hasCode('country', '156')).toBe(true);
    expect(hasCode('country', '999')).toBe(false);
    expect(hasCode('country', '56')).toBe(false);
    expect(hasCode('country', 'CN')).toBe(false);
  });

  it('is the table of the student field 国籍/地区', () => {
    const f = STUDENT_FIELDS.find((x) => x.key === 'nationality')!;
    expect(f).toMatchObject({ kind: 'code', table: 'country', defaultValue: '156' });
    // An Excel cell may hold the code or the name; an unknown one is a problem, not a value.
    expect(parseCell(f, '344')).toEqual({ value: '344' });
    expect(parseCell(f, '中国香港')).toEqual({ value: '344' });
    expect('problem' in parseCell(f, '999')).toBe(true);
  });
});
