/**
 * Account password rules (A §19; N 系统安全): at least 8 characters and three of four classes
 * (upper, lower, digit, symbol); expiry after a configurable number of days; lockout after
 * repeated failures.
 */
import { DomainError } from './errors';

export const DEFAULT_PASSWORD_POLICY = { minLength: 8, minClasses: 3, maxAgeDays: 90, maxFailures: 5, lockMinutes: 15 };
export type PasswordPolicy = typeof DEFAULT_PASSWORD_POLICY;

export function passwordClasses(pw: string): number {
  return [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
}

export function checkPasswordStrength(pw: string, policy: Partial<PasswordPolicy> = {}): void {
  const p = { ...DEFAULT_PASSWORD_POLICY, ...policy };
  if (typeof pw !== 'string' || pw.length < p.minLength || passwordClasses(pw) < p.minClasses) {
    throw new DomainError('PASSWORD_WEAK', `密码：至少 ${p.minLength} 位，且包含大写字母、小写字母、数字、符号中的至少 ${p.minClasses} 类`, '密码');
  }
}

export function isPasswordExpired(changedAt: Date, now: Date, policy: Partial<PasswordPolicy> = {}): boolean {
  const p = { ...DEFAULT_PASSWORD_POLICY, ...policy };
  return now.getTime() - changedAt.getTime() > p.maxAgeDays * 86_400_000;
}

/** Next lock state after a failed login. */
export function afterFailure(failures: number, now: Date, policy: Partial<PasswordPolicy> = {}): { failures: number; lockedUntil: Date | null } {
  const p = { ...DEFAULT_PASSWORD_POLICY, ...policy };
  const n = failures + 1;
  return { failures: n, lockedUntil: n >= p.maxFailures ? new Date(now.getTime() + p.lockMinutes * 60_000) : null };
}
