/**
 * Marks the code path that applies an approved key-field correction (the workflow service):
 * only inside it may a registered student's key fields change.
 */
import { AsyncLocalStorage } from 'async_hooks';

const g = globalThis as any;
const storage: AsyncLocalStorage<{ correctionId: string }> = (g.__xuejiKeyFieldCorrection ??= new AsyncLocalStorage<{ correctionId: string }>());

export function withKeyFieldCorrection<T>(correctionId: string, fn: () => Promise<T>): Promise<T> {
  return storage.run({ correctionId }, fn);
}

export function isApplyingCorrection(): boolean {
  return storage.getStore() !== undefined;
}
