/**
 * The one scope rule (DESIGN "One scope rule") wired into Strapi: the predicate comes from
 * src/domain/scope.ts; this module finds a caller's scope and applies it on each path —
 * the admin RBAC condition (lists, counts, pickers, read/update/delete), the write guard on
 * created and updated data (which RBAC does not check), and explicit filters for knex paths.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { accessCache } from './access-cache';
import {
  scopeFilter, isInScope, scopeColumnOf, TO_SIDE_COLUMNS, type UserScope,
  SCOPE_CONDITION, SCOPE_EITHER_SIDE_CONDITION, SCOPE_CONDITION_NAME, SCOPE_EITHER_SIDE_CONDITION_NAME,
} from '../domain/scope';

export { SCOPE_CONDITION, SCOPE_EITHER_SIDE_CONDITION };

/** uid → extra scope column sets (a transfer is visible to both sides). */
const SECOND_SIDE: Record<string, Record<string, string>> = {
  'api::change-request.change-request': TO_SIDE_COLUMNS,
};

/**
 * The staff-scope of an admin user: kept between requests by the access cache (./access-cache.ts,
 * emptied by any write to a staff scope) and memoised for the length of one request, where it is
 * asked for several times (the route guard, the write rules, the RBAC condition).
 */
export async function scopeOfAdmin(strapi: Core.Strapi, adminUserId: number): Promise<UserScope | null> {
  const ctx: any = strapi.requestContext.get();
  const memo: Map<number, Promise<UserScope | null>> | undefined = ctx
    ? (ctx.state.__xuejiScopes ??= new Map())
    : undefined;
  const cached = memo?.get(adminUserId);
  if (cached) return cached;
  const lookup = scopes(String(adminUserId), () => strapi.db.query('api::staff-scope.staff-scope')
    .findOne({ where: { adminUserId }, select: ['level', 'code'] })
    .then((row: any) => (row ? { level: row.level, code: row.code } : null)));
  memo?.set(adminUserId, lookup);
  return lookup;
}

const scopes = accessCache<UserScope | null>();

export const isSuperAdmin = (user: any) => Array.isArray(user?.roles) && user.roles.some((r: any) => r.code === 'strapi-super-admin');

/** The filter of a scope for a content type: one equality, or either side for transfers. */
export function scopeWhere(uid: string, scope: UserScope): Record<string, unknown> {
  const own = scopeFilter(scope);
  const second = SECOND_SIDE[uid];
  if (!second) return own;
  const column = scopeColumnOf(scope.level);
  return { $or: [own, { [second[column]]: { $eq: scope.code } }] };
}

export function inScope(uid: string, scope: UserScope, row: Record<string, any>): boolean {
  if (isInScope(scope, row)) return true;
  const second = SECOND_SIDE[uid];
  if (!second) return false;
  const column = scopeColumnOf(scope.level);
  return row[second[column]] === scope.code;
}

export async function registerScopeConditions(strapi: Core.Strapi): Promise<void> {
  const provider = (strapi.admin as any).services.permission.conditionProvider;
  const handler = (uid?: string) => async (user: any) => {
    const scope = await scopeOfAdmin(strapi, user.id);
    if (!scope) return false; // an account tied to nothing sees nothing
    return uid ? scopeWhere(uid, scope) : scopeFilter(scope);
  };
  await provider.registerMany([
    { displayName: '本辖区（按账号管辖范围）', name: SCOPE_CONDITION_NAME, category: '学籍', handler: handler() },
    { displayName: '本辖区（转出或转入任一方）', name: SCOPE_EITHER_SIDE_CONDITION_NAME, category: '学籍', handler: handler('api::change-request.change-request') },
  ]);
}

/**
 * The caller of the current request, if it is a scoped staff user. Returns null for calls
 * with no request (bootstrap, cron, scripts) and for super admins: those are not scoped.
 */
export async function currentScope(strapi: Core.Strapi): Promise<UserScope | null | 'none'> {
  const ctx: any = strapi.requestContext.get();
  if (!ctx) return null;
  const auth = ctx.state?.auth;
  const user = ctx.state?.user;
  if (auth?.strategy?.name === 'admin' && user) {
    if (isSuperAdmin(user)) return null;
    return (await scopeOfAdmin(strapi, user.id)) ?? 'none';
  }
  if (auth?.strategy?.name === 'users-permissions' && user?.scopeLevel && user?.scopeCode) {
    return { level: user.scopeLevel, code: user.scopeCode };
  }
  if (!user && !auth) return null; // internal call during an unauthenticated request (e.g. login)
  return 'none'; // API tokens and unscoped accounts cannot be tied to a region: nothing scoped
}

export const outOfScopeError = (message = '超出管辖范围：只能查看和维护本辖区（本校）的记录') =>
  new errors.PolicyError(message, { code: 'OUT_OF_SCOPE' });

/** Throws 403 OUT_OF_SCOPE unless the caller may write records with these scope columns. */
export async function assertWritable(strapi: Core.Strapi, uid: string, rows: Array<Record<string, any> | null | undefined>) {
  const scope = await currentScope(strapi);
  if (scope === null) return;
  if (scope === 'none') throw outOfScopeError();
  for (const row of rows) {
    if (!row) continue;
    if (!inScope(uid, scope, row)) throw outOfScopeError();
  }
}
