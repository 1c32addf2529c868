import { describe, it, expect } from 'vitest';
import { DomainError, fieldError, isDomainError } from '../../src/domain/errors';

describe('DomainError', () => {
  it('carries code, field, details and a Chinese message', () => {
    const e = fieldError('ID_EMPTY', '身份证件号', '不能为空', { row: 3 });
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toBeInstanceOf(Error);
    expect(isDomainError(e)).toBe(true);
    expect(e.message).toBe('身份证件号：不能为空');
    expect(e.toJSON()).toEqual({ code: 'ID_EMPTY', message: '身份证件号：不能为空', field: '身份证件号', details: { row: 3 } });
  });

  it('is not confused with other errors', () => {
    expect(isDomainError(new Error('x'))).toBe(false);
  });
});
