import { describe, it, expect } from 'vitest';
import { DEFAULT_CLASS_CAPS, classCapFor, checkClassCapacity, classSizeBand } from '../../src/domain/class-caps';
import { errorOf } from './helpers';

describe('class caps', () => {
  it('defaults to the Anhui caps and accepts overrides', () => {
    expect(DEFAULT_CLASS_CAPS).toEqual({ primary: 56, junior: 60, senior: 60 });
    expect(classCapFor('primary')).toBe(56);
    expect(classCapFor('junior', { junior: 50 })).toBe(50);
    expect(classCapFor('senior', { junior: 50 })).toBe(60);
  });

  it('allows the 56th primary pupil and refuses the 57th', () => {
    expect(checkClassCapacity(55, 1, 'primary')).toBe(0);
    const e = errorOf(() => checkClassCapacity(56, 1, 'primary'));
    expect(e.code).toBe('CLASS_FULL');
    expect(e.message).toContain('班级人数已达上限（小学每班不超过 56 人）');
    expect(e.details).toMatchObject({ cap: 56, currentCount: 56, adding: 1 });
  });

  it('checks a batch as a whole and uses configured caps', () => {
    expect(checkClassCapacity(50, 10, 'junior')).toBe(0);
    expect(errorOf(() => checkClassCapacity(50, 11, 'senior')).message).toContain('高中每班不超过 60 人');
    expect(errorOf(() => checkClassCapacity(45, 1, 'primary', { primary: 45 })).code).toBe('CLASS_FULL');
  });
});

describe('classSizeBand', () => {
  it('uses the national bands', () => {
    expect(classSizeBand(45)).toBe('正常');
    expect(classSizeBand(55)).toBe('正常');
    expect(classSizeBand(56)).toBe('大班额');
    expect(classSizeBand(65)).toBe('大班额');
    expect(classSizeBand(66)).toBe('超大班额');
  });
});
