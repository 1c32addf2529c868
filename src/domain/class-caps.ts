/**
 * Class size caps (Anhui A §11: primary ≤ 56, junior and senior ≤ 60), configurable per stage,
 * and the national class-size bands used in statistics.
 */
import { DomainError } from './errors';
import { STAGE_LABELS, type Stage } from './grades';

export type ClassCaps = Record<Stage, number>;

export const DEFAULT_CLASS_CAPS: Readonly<ClassCaps> = Object.freeze({ primary: 56, junior: 60, senior: 60 });

/** The cap for a stage; `caps` may override some stages only (province configuration). */
export function classCapFor(stage: Stage, caps: Partial<ClassCaps> = {}): number {
  const cap = caps[stage] ?? DEFAULT_CLASS_CAPS[stage];
  if (cap === undefined) throw new DomainError('STAGE_UNKNOWN', `学段：未知学段“${stage}”`, '学段');
  return cap;
}

/**
 * Throws CLASS_FULL when adding `adding` students to a class of `currentCount` exceeds the cap;
 * returns the places left afterwards.
 */
export function checkClassCapacity(currentCount: number, adding: number, stage: Stage, caps: Partial<ClassCaps> = {}): number {
  const cap = classCapFor(stage, caps);
  const after = currentCount + adding;
  if (after > cap) {
    throw new DomainError(
      'CLASS_FULL',
      `班级人数已达上限（${STAGE_LABELS[stage]}每班不超过 ${cap} 人），现有 ${currentCount} 人，拟加入 ${adding} 人`,
      '班级',
      { cap, currentCount, adding, stage },
    );
  }
  return cap - after;
}

export type ClassSizeBand = '正常' | '大班额' | '超大班额';

/** National bands: 56–65 大班额, 66 and more 超大班额; 55 and fewer count as normal. */
export const CLASS_SIZE_BANDS = { largeFrom: 56, superLargeFrom: 66 } as const;

export function classSizeBand(count: number): ClassSizeBand {
  if (count >= CLASS_SIZE_BANDS.superLargeFrom) return '超大班额';
  if (count >= CLASS_SIZE_BANDS.largeFrom) return '大班额';
  return '正常';
}
