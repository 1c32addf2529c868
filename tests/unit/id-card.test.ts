import { describe, it, expect } from 'vitest';
import {
  normalizeIdNumber,
  computeCheckDigit,
  upgradeLegacyId,
  parseIdNumber,
  isValidIdNumber,
  crossCheckIdentity,
  makeIdNumber,
} from '../../src/domain/id-card';
import { errorOf } from './helpers';

const TODAY = new Date('2026-05-01T10:00:00+08:00');

function flipCheck(id: string): string {
  const last = id[17] === '0' ? '1' : '0';
  return id.slice(0, 17) + last;
}

describe('computeCheckDigit', () => {
  it('matches the examples of GB 11643-1999', () => {
    expect(computeCheckDigit('11010519491231002')).toBe('X');
    expect(computeCheckDigit('44052418800101001')).toBe('4');
  });

  it('refuses anything but 17 digits', () => {
    expect(errorOf(() => computeCheckDigit('1234')).code).toBe('ID_FORMAT');
  });
});

describe('normalizeIdNumber', () => {
  it('trims, removes inner spaces and upper-cases x', () => {
    expect(normalizeIdNumber('  110105 19491231 002x ')).toBe('11010519491231002X');
  });

  it('converts full-width digits and letters and the ideographic space', () => {
    expect(normalizeIdNumber('１１０１０５１９４９１２３１００２ｘ\u3000')).toBe('11010519491231002X');
  });

  it('gives an empty string for null and undefined', () => {
    expect(normalizeIdNumber(null)).toBe('');
    expect(normalizeIdNumber(undefined)).toBe('');
  });
});

describe('makeIdNumber', () => {
  it('builds a number that parses back', () => {
    const id = makeIdNumber('340104', '20080229', 123);
    expect(id).toBe('34010420080229123X');
    expect(parseIdNumber(id, { today: TODAY })).toMatchObject({
      id,
      regionCode: '340104',
      birthDate: '2008-02-29',
      gender: '1',
      regionKnown: true,
    });
  });

  it('accepts a dashed date and a string sequence; even sequence is female', () => {
    const id = makeIdNumber('340104', '2020-08-31', '002');
    expect(id).toBe('340104202008310025');
    expect(parseIdNumber(id, { today: TODAY }).gender).toBe('2');
  });

  it('refuses malformed input', () => {
    expect(errorOf(() => makeIdNumber('3401', '20080229', 1)).code).toBe('ID_FORMAT');
    expect(errorOf(() => makeIdNumber('340104', '20090229', 1)).code).toBe('ID_FORMAT');
    expect(errorOf(() => makeIdNumber('340104', '20080229', 1000)).code).toBe('ID_FORMAT');
  });
});

describe('parseIdNumber', () => {
  it('accepts lower-case x and full-width input', () => {
    expect(parseIdNumber('11010519491231002x', { today: TODAY }).id).toBe('11010519491231002X');
    expect(parseIdNumber('１１０１０５１９４９１２３１００２Ｘ', { today: TODAY }).id).toBe('11010519491231002X');
  });

  it('reports an empty number', () => {
    const e = errorOf(() => parseIdNumber('  ', { today: TODAY }));
    expect(e.code).toBe('ID_EMPTY');
    expect(e.message).toBe('身份证件号：不能为空');
    expect(e.field).toBe('身份证件号');
  });

  it('reports a bad format with the length', () => {
    const e = errorOf(() => parseIdNumber('3401042008022912', { today: TODAY }));
    expect(e.code).toBe('ID_FORMAT');
    expect(e.message).toContain('16 位');
    expect(errorOf(() => parseIdNumber('34010420080229123Y', { today: TODAY })).code).toBe('ID_FORMAT');
    expect(errorOf(() => parseIdNumber('X4010420080229123X', { today: TODAY })).code).toBe('ID_FORMAT');
  });

  it('reports a wrong check digit and gives the expected one', () => {
    const good = makeIdNumber('340104', '20100315', 47);
    const e = errorOf(() => parseIdNumber(flipCheck(good), { today: TODAY }));
    expect(e.code).toBe('ID_CHECKSUM');
    expect(e.message).toBe(`身份证件号：校验位错误，应为 ${good[17]}`);
    expect(e.details?.expected).toBe(good[17]);
  });

  it('accepts 29 February of a leap year and refuses it in a common year', () => {
    expect(parseIdNumber(makeIdNumber('340104', '20080229', 1), { today: TODAY }).birthDate).toBe('2008-02-29');
    const first17 = '34010420090229001';
    const e = errorOf(() => parseIdNumber(first17 + computeCheckDigit(first17), { today: TODAY }));
    expect(e.code).toBe('ID_BIRTHDATE');
    expect(e.message).toContain('20090229');
  });

  it('refuses month 13 and a birth date in the future', () => {
    const bad = '34010420081301001';
    expect(errorOf(() => parseIdNumber(bad + computeCheckDigit(bad), { today: TODAY })).code).toBe('ID_BIRTHDATE');
    const future = makeIdNumber('340104', '20260502', 1);
    expect(errorOf(() => parseIdNumber(future, { today: TODAY })).code).toBe('ID_BIRTHDATE');
    expect(parseIdNumber(makeIdNumber('340104', '20260501', 1), { today: TODAY }).birthDate).toBe('2026-05-01');
  });

  it('accepts abolished codes of a known province but refuses unknown provinces', () => {
    // 440524 (潮阳县) is the standard's own example and no longer exists.
    const old = parseIdNumber('440524188001010014', { today: TODAY });
    expect(old.regionKnown).toBe(false);
    expect(old.birthDate).toBe('1880-01-01');
    const e = errorOf(() => parseIdNumber(makeIdNumber('990101', '20100101', 1), { today: TODAY }));
    expect(e.code).toBe('ID_REGION');
    expect(e.message).toContain('990101');
  });

  it('accepts Hong Kong, Macao and Taiwan residence permits', () => {
    for (const region of ['810000', '820000', '830000']) {
      const parsed = parseIdNumber(makeIdNumber(region, '20150601', 11), { today: TODAY });
      expect(parsed.regionCode).toBe(region);
      expect(parsed.regionKnown).toBe(true);
    }
  });

  it('refuses a 15-digit number for a student and gives the upgraded form', () => {
    const e = errorOf(() => parseIdNumber('110105491231002', { today: TODAY }));
    expect(e.code).toBe('ID_LEGACY_15');
    expect(e.message).toContain('11010519491231002X');
    expect(e.details?.upgraded).toBe('11010519491231002X');
  });

  it('upgrades a 15-digit number of a guardian', () => {
    const parsed = parseIdNumber('110105491231002', { today: TODAY, allowLegacy15: true, field: '家庭成员1身份证件号' });
    expect(parsed).toMatchObject({ id: '11010519491231002X', birthDate: '1949-12-31', gender: '2', legacy15: '110105491231002' });
  });

  it('names the given field in messages', () => {
    const e = errorOf(() => parseIdNumber('', { field: '家庭成员2身份证件号' }));
    expect(e.message).toBe('家庭成员2身份证件号：不能为空');
    expect(e.field).toBe('家庭成员2身份证件号');
  });

  it('isValidIdNumber mirrors parseIdNumber', () => {
    expect(isValidIdNumber('11010519491231002X', { today: TODAY })).toBe(true);
    expect(isValidIdNumber('110105194912310021', { today: TODAY })).toBe(false);
  });
});

describe('upgradeLegacyId', () => {
  it('inserts 19 and appends the check digit', () => {
    expect(upgradeLegacyId('440524800101001')).toBe(`44052419800101001${computeCheckDigit('44052419800101001')}`);
    expect(upgradeLegacyId('110105491231002')).toBe('11010519491231002X');
  });

  it('refuses non-15-digit input', () => {
    expect(errorOf(() => upgradeLegacyId('11010549123100')).code).toBe('ID_FORMAT');
  });
});

describe('crossCheckIdentity', () => {
  const parsed = parseIdNumber(makeIdNumber('340104', '20080229', 123), { today: TODAY });

  it('finds nothing when birth date and gender agree', () => {
    expect(crossCheckIdentity(parsed, { birthDate: '20080229', gender: '1' })).toEqual([]);
    expect(crossCheckIdentity(parsed, { birthDate: '2008-02-29' })).toEqual([]);
  });

  it('reports both mismatches at once', () => {
    const errors = crossCheckIdentity(parsed, { birthDate: '2008-03-01', gender: '2' });
    expect(errors.map((e) => e.code)).toEqual(['ID_BIRTHDATE_MISMATCH', 'ID_GENDER_MISMATCH']);
    expect(errors[0].message).toContain('出生日期：');
    expect(errors[1].message).toBe('性别：女 与身份证件号中的性别 男 不一致');
  });

  it('does not compare unknown or unstated gender', () => {
    expect(crossCheckIdentity(parsed, { gender: '9' })).toEqual([]);
    expect(crossCheckIdentity(parsed, { gender: '0' })).toEqual([]);
  });
});
