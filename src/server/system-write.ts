/**
 * The one explicit system-write context (DESIGN "Writes"): only code running inside
 * `withSystemWrite` (the change engine, imports, promotion) may write system-kept fields and
 * system-only records. Every other write — admin panel, REST, scripts — has them refused.
 * An approved key-field correction (关键信息变更) is a system write that may also change the
 * locked key fields of a registered student.
 */
import { AsyncLocalStorage } from 'async_hooks';

interface SystemWrite { reason: string; correctionId?: string }

// One store per process, even when this module is loaded twice (compiled dist/ and TS sources in tests).
const g = globalThis as any;
const storage: AsyncLocalStorage<SystemWrite> = (g.__xuejiSystemWrite ??= new AsyncLocalStorage<SystemWrite>());

export function withSystemWrite<T>(reason: string, fn: () => Promise<T>): Promise<T> {
  return storage.run({ reason }, fn);
}

/** Applies an approved correction request: key fields may change inside `fn`. */
export function withKeyFieldCorrection<T>(correctionId: string, fn: () => Promise<T>): Promise<T> {
  return storage.run({ reason: `key-field correction ${correctionId}`, correctionId }, fn);
}

export function isSystemWrite(): boolean {
  return storage.getStore() !== undefined;
}

export function isApplyingCorrection(): boolean {
  return storage.getStore()?.correctionId !== undefined;
}

export function systemWriteReason(): string | undefined {
  return storage.getStore()?.reason;
}
