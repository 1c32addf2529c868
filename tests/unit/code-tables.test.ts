import { describe, it, expect } from 'vitest';
import {
  CODE_TABLES,
  IN_SCHOOL_STATUSES,
  EXIT_STATUSES,
  STUDENT_ID_TYPES,
  codeLabel,
  codeOfLabel,
  codeOptions,
  isCode,
} from '../../src/domain/code-tables';

describe('CODE_TABLES', () => {
  it('has no duplicate code in any table and only string codes', () => {
    for (const [name, table] of Object.entries(CODE_TABLES)) {
      const codes = table.map((e) => e.code);
      expect(new Set(codes).size, name).toBe(codes.length);
      for (const e of table) {
        expect(typeof e.code, name).toBe('string');
        expect(e.label.length, name).toBeGreaterThan(0);
      }
    }
  });

  it('has the 56 nationalities plus 97 and 98', () => {
    const codes = CODE_TABLES.ethnicity.map((e) => e.code);
    expect(codes).toHaveLength(58);
    expect(codes[0]).toBe('01');
    expect(codes[55]).toBe('56');
    expect(codeLabel('ethnicity', '01')).toBe('汉族');
    expect(codeLabel('ethnicity', '98')).toBe('外国血统中国籍人士');
  });

  it('has the ID types 1–9, A, B, Z and the student subset', () => {
    expect(CODE_TABLES.idType.map((e) => e.code).join('')).toBe('123456789ABZ');
    expect([...STUDENT_ID_TYPES]).toEqual(['1', '6', '7', '8', '9', 'A', 'Z']);
    expect(CODE_TABLES.studentIdType.map((e) => e.code)).toEqual(['1', '6', '7', '8', '9', 'A', 'Z']);
  });

  it('splits enrollment states into in-school and exits', () => {
    const all = CODE_TABLES.enrollmentStatus.map((e) => e.code);
    expect([...IN_SCHOOL_STATUSES, ...EXIT_STATUSES].sort()).toEqual([...all].sort());
    expect(IN_SCHOOL_STATUSES.map((c) => codeLabel('enrollmentStatus', c))).toEqual(['在校', '休学', '其他离校', '出国', '失踪']);
  });

  it('has the family relations', () => {
    expect(CODE_TABLES.familyRelation.map((e) => e.label)).toContain('教师(托管)');
    expect(CODE_TABLES.familyRelation).toHaveLength(10);
  });
});

describe('helpers', () => {
  it('codeLabel and isCode', () => {
    expect(codeLabel(CODE_TABLES.gender, '2')).toBe('女');
    expect(codeLabel('gender', '3')).toBeUndefined();
    expect(codeLabel('gender', null)).toBeUndefined();
    expect(isCode('hmtStatus', '00')).toBe(true);
    expect(isCode('hmtStatus', '0')).toBe(false);
    expect(isCode('hmtStatus', 0)).toBe(false);
  });

  it('codeOptions keeps the table order', () => {
    expect(codeOptions('studyMode')).toEqual([
      { value: '1', label: '走读' },
      { value: '2', label: '住校' },
    ]);
  });

  it('codeOfLabel maps unique labels and refuses ambiguous ones', () => {
    expect(codeOfLabel('hukouType', ' 农业户口 ')).toBe('1');
    expect(codeOfLabel('entryMethod', '其他')).toBeUndefined();
    expect(codeOfLabel('entryMethod', '就近入学')).toBe('11');
  });
});
