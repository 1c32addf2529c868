import { describe, it, expect } from 'vitest';
import {
  formalStudentNumber,
  temporaryStudentNumber,
  jStudentNumber,
  studentNumberKind,
  formatRegionalNumber,
  parseRegionalNumber,
} from '../../src/domain/student-number';
import { computeCheckDigit, makeIdNumber } from '../../src/domain/id-card';
import { errorOf } from './helpers';

const TODAY = new Date('2026-05-01T00:00:00+08:00');

describe('学籍号', () => {
  it('G + normalised ID number', () => {
    expect(formalStudentNumber(' 11010519491231002x', TODAY)).toBe('G11010519491231002X');
    expect(errorOf(() => formalStudentNumber('110105194912310021', TODAY)).code).toBe('ID_CHECKSUM');
    expect(errorOf(() => formalStudentNumber('110105491231002', TODAY)).code).toBe('ID_LEGACY_15');
  });

  it('L + region + birth date + 4 digits', () => {
    expect(temporaryStudentNumber('340104', '2020-08-31', 7)).toBe('L340104202008310007');
    expect(temporaryStudentNumber('340104', '20200831', '1234')).toBe('L340104202008311234');
    expect(temporaryStudentNumber('340104', '20200831')).toMatch(/^L34010420200831\d{4}$/);
    expect(errorOf(() => temporaryStudentNumber('3401', '20200831', 1)).code).toBe('STUDENT_NUMBER_FORMAT');
    expect(errorOf(() => temporaryStudentNumber('340104', '20190229', 1)).code).toBe('STUDENT_NUMBER_FORMAT');
    expect(errorOf(() => temporaryStudentNumber('340104', '20200831', 12345)).code).toBe('STUDENT_NUMBER_FORMAT');
  });

  it('J + ID-style number with a valid check digit', () => {
    const j = jStudentNumber('340104', '20200831', 5);
    expect(j).toBe(`J${makeIdNumber('340104', '20200831', '005')}`);
    expect(j.slice(-1)).toBe(computeCheckDigit(j.slice(1, 18)));
    expect(errorOf(() => jStudentNumber('340104', '20200831', 1000)).code).toBe('STUDENT_NUMBER_FORMAT');
  });

  it('tells the kind of a number', () => {
    expect(studentNumberKind('G11010519491231002X')).toBe('G');
    expect(studentNumberKind('L340104202008310007')).toBe('L');
    expect(studentNumberKind(jStudentNumber('340104', '20200831', 5))).toBe('J');
    expect(studentNumberKind('11010519491231002X')).toBeUndefined();
  });
});

describe('地区学号', () => {
  it('is county + year + 6-digit sequence', () => {
    expect(formatRegionalNumber('340104', 2026, 1)).toBe('3401042026000001');
    expect(formatRegionalNumber('340104', 2026, 999999)).toBe('3401042026999999');
  });

  it('refuses an overflowing sequence and bad input', () => {
    const e = errorOf(() => formatRegionalNumber('340104', 2026, 1_000_000));
    expect(e.code).toBe('REGIONAL_NUMBER_OVERFLOW');
    expect(e.message).toContain('地区学号');
    expect(errorOf(() => formatRegionalNumber('340104', 2026, 0)).code).toBe('REGIONAL_NUMBER_FORMAT');
    expect(errorOf(() => formatRegionalNumber('34010', 2026, 1)).code).toBe('REGIONAL_NUMBER_FORMAT');
    expect(errorOf(() => formatRegionalNumber('340104', 26, 1)).code).toBe('REGIONAL_NUMBER_FORMAT');
  });

  it('parses back', () => {
    expect(parseRegionalNumber('3401042026000042')).toEqual({ countyCode: '340104', entryYear: 2026, seq: 42 });
    expect(errorOf(() => parseRegionalNumber('340104202600004')).code).toBe('REGIONAL_NUMBER_FORMAT');
    expect(errorOf(() => parseRegionalNumber('3401042026000000')).code).toBe('REGIONAL_NUMBER_FORMAT');
  });
});
