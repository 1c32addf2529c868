/**
 * The one explicit system-write context (DESIGN "Writes"): only code running inside
 * `withSystemWrite` (the change engine, imports, promotion) may write system-kept fields and
 * system-only records. Every other write — admin panel, REST, scripts — has them refused.
 */
import { AsyncLocalStorage } from 'async_hooks';

// One store per process, even when this module is loaded twice (compiled dist/ and TS sources in tests).
const g = globalThis as any;
const storage: AsyncLocalStorage<{ reason: string }> = (g.__xuejiSystemWrite ??= new AsyncLocalStorage<{ reason: string }>());

export function withSystemWrite<T>(reason: string, fn: () => Promise<T>): Promise<T> {
  return storage.run({ reason }, fn);
}

export function isSystemWrite(): boolean {
  return storage.getStore() !== undefined;
}

export function systemWriteReason(): string | undefined {
  return storage.getStore()?.reason;
}
