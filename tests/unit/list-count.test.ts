import { describe, it, expect } from 'vitest';
import { approximateTotal, countLabel, exactCountLimit, DEFAULT_EXACT_COUNT_LIMIT } from '../../src/domain/list-count';

describe('list counts', () => {
  it('takes the configured cap, else the default', () => {
    expect(exactCountLimit(undefined)).toBe(DEFAULT_EXACT_COUNT_LIMIT);
    expect(exactCountLimit(Number.NaN)).toBe(DEFAULT_EXACT_COUNT_LIMIT);
    expect(exactCountLimit('100')).toBe(DEFAULT_EXACT_COUNT_LIMIT);
    expect(exactCountLimit(-5)).toBe(DEFAULT_EXACT_COUNT_LIMIT);
    expect(exactCountLimit(100)).toBe(100);
    expect(exactCountLimit(0)).toBe(0);
  });

  it('rounds an estimate to two significant digits, never at or below the cap', () => {
    expect(approximateTotal(998_731, 10_000)).toBe(1_000_000);
    expect(approximateTotal(247_014, 10_000)).toBe(250_000);
    expect(approximateTotal(12_345, 10_000)).toBe(12_000);
    expect(approximateTotal(5_000, 10_000)).toBe(10_001); // the capped count saw more than the cap
    expect(approximateTotal(10_020, 10_000)).toBe(10_001);
  });

  it('labels exact and approximate totals', () => {
    expect(countLabel(1234, false)).toBe('共 1,234 条');
    expect(countLabel(1_000_000, true)).toBe('约 100 万条');
    expect(countLabel(250_000, true)).toBe('约 25 万条');
    expect(countLabel(12_000, true)).toBe('约 1.2 万条');
    expect(countLabel(160_000_000, true)).toBe('约 1.6 亿条');
    expect(countLabel(5_000, true)).toBe('约 5,000 条');
  });
});

describe('listModelOf: the type of a Content Manager list, from the API route or the panel page', () => {
  it('reads lists, not edit views', async () => {
    const { listModelOf } = await import('../../src/domain/list-count');
    expect(listModelOf('/content-manager/collection-types/api::student.student')).toBe('api::student.student');
    expect(listModelOf('/admin/content-manager/collection-types/api::student.student/')).toBe('api::student.student');
    expect(listModelOf('/admin/content-manager/collection-types/api::student.student/abc123')).toBeUndefined();
    expect(listModelOf('/content-manager/single-types/api::x.x')).toBeUndefined();
  });
});
