import { describe, it, expect } from 'vitest';
import {
  NATIONAL_COLUMNS, SEPARATOR_COLUMN, columnsOf, parseCell, cellText, checkHeaders, TEMPLATE_KINDS, familyHeader,
} from '../../src/domain/excel-columns';
import { STUDENT_FIELDS, FAMILY_FIELDS } from '../../src/domain/student-fields';

const field = (key: string) => STUDENT_FIELDS.find((f) => f.key === key)!;
const value = (r: any) => ('value' in r ? r.value : r.problem.code);

describe('the one column spec', () => {
  it('is the national 72 fields in FIELDS order with the hidden separator after the 48 student fields', () => {
    const real = NATIONAL_COLUMNS.filter((c) => c.group !== 'separator');
    expect(real).toHaveLength(72);
    expect(real.slice(0, 48).map((c) => c.key)).toEqual(STUDENT_FIELDS.map((f) => f.key));
    expect(SEPARATOR_COLUMN).toBe(49);
    expect(real.slice(48, 60).map((c) => c.key)).toEqual(FAMILY_FIELDS.map((f) => f.key));
    expect(real[48].header).toBe('家庭成员1姓名');
    expect(familyHeader(2, FAMILY_FIELDS[4])).toBe('家庭成员2户口所在地行政区划');
    expect(new Set(NATIONAL_COLUMNS.map((c) => c.header)).size).toBe(73);
  });

  it('every kind has columns; sub-records and match kinds start with 姓名 + 身份证件号', () => {
    for (const k of TEMPLATE_KINDS) expect(columnsOf(k).length, k).toBeGreaterThan(2);
    for (const k of ['update', 'students'] as const) expect(columnsOf(k)).toBe(NATIONAL_COLUMNS);
    for (const k of ['resume', 'exam', 'evaluation', 'award', 'punishment', 'graduates', 'classes'] as const) {
      expect(columnsOf(k).slice(0, 2).map((c) => c.header), k).toEqual(['姓名', '身份证件号']);
    }
    expect(columnsOf('award').map((c) => c.header)).toEqual(['姓名', '身份证件号', '奖励名称', '奖励级别', '奖励日期', '颁奖单位', '奖励原因']);
    expect(columnsOf('students', { withSchoolCode: true }).at(-1)!.header).toBe('学校标识码');
  });
});

describe('reading a cell', () => {
  it('codes by code or label, zero-padding numbers Excel stripped', () => {
    expect(value(parseCell(field('ethnicity'), '汉族'))).toBe('01');
    expect(value(parseCell(field('ethnicity'), '01'))).toBe('01');
    expect(value(parseCell(field('ethnicity'), 1))).toBe('01');
    expect(value(parseCell(field('ethnicity'), '火星族'))).toBe('CODE_UNKNOWN');
    expect(value(parseCell(field('onlyChild'), '是'))).toBe('1');
  });
  it('dates as YYYYMMDD, YYYY-MM-DD, Excel dates; impossible days refused', () => {
    expect(value(parseCell(field('birthDate'), '20180912'))).toBe('2018-09-12');
    expect(value(parseCell(field('birthDate'), '2018-9-12'))).toBe('2018-09-12');
    expect(value(parseCell(field('birthDate'), new Date(Date.UTC(2018, 8, 12))))).toBe('2018-09-12');
    expect(value(parseCell(field('birthDate'), 43355))).toBe('2018-09-12');
    expect(value(parseCell(field('birthDate'), '20150229'))).toBe('DATE_INVALID');
    expect(value(parseCell(field('entryYearMonth'), '2018-9'))).toBe('201809');
  });
  it('distance one decimal, phone digits, region codes, required and defaults, formulas', () => {
    expect(value(parseCell(field('commuteDistance'), '2.5'))).toBe(2.5);
    expect(value(parseCell(field('commuteDistance'), 2.55))).toBe('DECIMAL_ONE_PLACE');
    expect(value(parseCell(field('phone'), '138 0000'))).toBe('PHONE_DIGITS');
    expect(value(parseCell(field('birthPlace'), '340104'))).toBe('340104000000');
    expect(value(parseCell(field('birthPlace'), '3401'))).toBe('REGION_FORMAT');
    expect(value(parseCell(field('name'), ''))).toBe('FIELD_REQUIRED');
    expect(value(parseCell(field('nationality'), ''))).toBe('156');
    expect(value(parseCell(field('idNumber'), '11010519491231002x'))).toBe('11010519491231002X');
    expect(value(parseCell(field('name'), { formula: 'A1', result: 'x' }))).toBe('CELL_FORMULA');
    expect(value(parseCell(field('name'), { richText: [{ text: '张' }, { text: '三' }] }))).toBe('张三');
  });
  it('writes stored values back as the national system takes them', () => {
    expect(cellText(field('birthDate'), '2018-09-12')).toBe('20180912');
    expect(cellText(field('commuteDistance'), 3)).toBe('3.0');
    expect(cellText(field('ethnicity'), '01')).toBe('01');
  });
});

describe('template conformity', () => {
  const headers = NATIONAL_COLUMNS.map((c) => c.header);
  it('accepts the template, with or without 学校标识码', () => {
    expect(checkHeaders('students', headers)).toEqual({ withSchoolCode: false });
    expect(checkHeaders('students', [...headers, '学校标识码', ''])).toEqual({ withSchoolCode: true });
  });
  it('names the first wrong column', () => {
    const swapped = [...headers];
    [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
    expect(checkHeaders('students', swapped)).toMatchObject({ column: 4, problem: { code: 'TEMPLATE_MISMATCH' } });
    expect(checkHeaders('students', [...headers, '备注'])).toMatchObject({ column: 74 });
    expect(checkHeaders('award', headers)).toMatchObject({ column: 2 });
  });
});
