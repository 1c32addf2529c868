import { describe, it, expect } from 'vitest';
import { maskIdNumber, maskPhone, maskName, maskRecord } from '../../src/domain/masking';
import { checkPasswordStrength, isPasswordExpired, afterFailure, passwordClasses } from '../../src/domain/password-policy';

describe('masking', () => {
  it('keeps region and last four digits of an ID number only', () => {
    expect(maskIdNumber('34010420180101001X')).toBe('340104********001X');
  });
  it('masks phones and names', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('王小明')).toBe('王*明');
  });
  it('masks nested family members in a record', () => {
    const r = maskRecord({ name: '李四', idNumber: '34010420180101001X', family: [{ idNumber: '340104198801010011', phone: '13800000000' }] })!;
    expect(r.name).toBe('李四');
    expect(r.idNumber).not.toContain('20180101');
    expect(r.family[0].idNumber).toBe('340104********0011');
    expect(r.family[0].phone).toBe('138****0000');
  });
});

describe('password policy', () => {
  it('needs 8 characters and three classes', () => {
    expect(passwordClasses('Abc1!')).toBe(4);
    expect(() => checkPasswordStrength('abcdefgh')).toThrow(/至少 8 位/);
    expect(() => checkPasswordStrength('abcdefg1')).toThrow();
    expect(() => checkPasswordStrength('Abc1!')).toThrow();
    expect(() => checkPasswordStrength('abcdef1!')).not.toThrow();
    expect(() => checkPasswordStrength('Abcdefg1')).not.toThrow();
  });
  it('expires after 90 days', () => {
    const now = new Date('2026-11-23T00:00:00Z');
    expect(isPasswordExpired(new Date('2026-08-24T00:00:00Z'), now)).toBe(true);
    expect(isPasswordExpired(new Date('2026-08-26T00:00:00Z'), now)).toBe(false);
  });
  it('locks for 15 minutes at the fifth failure', () => {
    const now = new Date('2026-11-23T00:00:00Z');
    expect(afterFailure(3, now).lockedUntil).toBeNull();
    expect(afterFailure(4, now).lockedUntil!.getTime() - now.getTime()).toBe(15 * 60_000);
  });
});
