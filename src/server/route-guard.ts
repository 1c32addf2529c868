/**
 * Enforces the route table (src/domain/route-access.ts) on the mounted router: a denied or
 * unclassified route answers 404 ROUTE_DISABLED before any of its own code runs; a system route
 * answers 403 SYSTEM_ONLY to anyone but the system administrator.
 */
import type { Core } from '@strapi/strapi';
import { classifyRoute } from '../domain/route-access';
import { isSuperAdmin, currentScope, inScope, outOfScopeError } from './scope';
import { isBareRefusal, noPermissionError, verbOf } from './http-errors';
import { SCOPED_TYPES } from '../domain/content-model';

const methodsOf = (layer: any): string[] => (layer.methods ?? []).filter((m: string) => m !== 'HEAD');

/** Routes (method + path) that no rule covers. */
export function unclassifiedRoutes(strapi: Core.Strapi): string[] {
  const out: string[] = [];
  for (const layer of strapi.server.listRoutes() as any[]) {
    const methods = methodsOf(layer);
    const all = methods.length > 20; // router.all(): one rule with methods '*'
    for (const m of all ? ['GET'] : methods) if (!classifyRoute(m, layer.path)) out.push(`${all ? '*' : m} ${layer.path}`);
  }
  return out;
}

function guard(strapi: Core.Strapi): void {
  for (const layer of strapi.server.listRoutes() as any[]) {
    if (layer.__xuejiGuarded) continue;
    layer.__xuejiGuarded = true;
    const path: string = layer.path;
    const rules = methodsOf(layer).map((m) => classifyRoute(m, path));
    if (rules.some((x) => !x || x.access === 'denied')) {
      layer.stack.unshift(async (ctx: any, next: () => Promise<void>) => {
        const rule = classifyRoute(ctx.method === 'HEAD' ? 'GET' : ctx.method, path);
        if (rule && rule.access !== 'denied') return next();
        ctx.status = 404;
        ctx.body = { data: null, error: { status: 404, name: 'NotFoundError', message: '该接口未开放', details: { code: 'ROUTE_DISABLED' } } };
      });
      if (rules.some((x) => !x)) strapi.log.warn(`[xueji] route not in the route table, refused: ${methodsOf(layer).join(',')} ${path}`);
    }
    if (rules.some((x) => x?.access === 'system')) layer.stack.unshift(systemOnly(strapi, path));
    if (!path.startsWith('/api/')) layer.stack.unshift(explainRefusals(strapi));
  }
}

/**
 * System routes: the caller is authenticated here with the admin strategies (Strapi's own
 * authentication runs inside the route's composed handler, too late to wrap) and must be the
 * system administrator — some plugin routes check no permission at all (i18n settings, mail).
 */
function systemOnly(strapi: Core.Strapi, path: string) {
  return async (ctx: any, next: () => Promise<void>) => {
    const rule = classifyRoute(ctx.method === 'HEAD' ? 'GET' : ctx.method, path);
    if (rule?.access !== 'system') return next();
    const saved = ctx.state.route;
    ctx.state.route = { info: { type: 'admin' }, config: {} };
    let authenticated = false;
    try {
      await (strapi.get('auth') as any).authenticate(ctx, async () => { authenticated = true; });
    } finally {
      ctx.state.route = saved;
    }
    if (!authenticated) return; // Strapi answered 401
    if (!isSuperAdmin(ctx.state.auth?.credentials ?? ctx.state.user)) {
      ctx.status = 403;
      ctx.body = { data: null, error: { status: 403, name: 'ForbiddenError', message: '仅系统管理员可以使用该功能', details: { code: 'SYSTEM_ONLY' } } };
      return;
    }
    return next();
  };
}

/**
 * Panel paths (Content Manager, media library, our /xueji routes): a refusal keeps its words.
 * Strapi's own bare 403 ("Policy Failed" from a route policy, "Forbidden" from the permission
 * checker) becomes OUT_OF_SCOPE when the record named lies outside the caller's scope, else
 * NO_PERMISSION; a 400 ValidationError always carries `details.errors` (the Content Manager's
 * form reads it and fails on anything else). For a scoped caller a record that does not exist
 * answers as one outside the scope (403 OUT_OF_SCOPE, never Strapi's 404 or NO_PERMISSION), so
 * the answers do not tell which ids of other regions exist.
 */
function explainRefusals(strapi: Core.Strapi) {
  /** OUT_OF_SCOPE when the path names a scoped record the caller cannot see (absent or out of scope). */
  const hiddenRecord = async (ctx: any): Promise<boolean> => {
    const model: string | undefined = ctx.params?.model;
    const id: string | undefined = ctx.params?.id ?? ctx.params?.documentId;
    if (!model || !id || !SCOPED_TYPES.has(model)) return false;
    const scope = await currentScope(strapi);
    if (!scope) return false;
    const row = await strapi.db.query(model as any).findOne({ where: { documentId: id } });
    return !row || scope === 'none' || !inScope(model, scope, row);
  };
  const explain = async (ctx: any) => {
    if (await hiddenRecord(ctx)) throw outOfScopeError();
    const model: string | undefined = ctx.params?.model;
    const typeName = model ? (strapi.getModel(model as any) as any)?.info?.displayName : undefined;
    ctx.status = 403;
    ctx.body = { data: null, error: noPermissionError(verbOf(ctx.method, ctx.path), typeName) };
  };
  return async (ctx: any, next: () => Promise<void>) => {
    try {
      await next();
    } catch (e: any) {
      if (e?.name === 'ValidationError' && e.details && typeof e.details === 'object' && !Array.isArray(e.details.errors)) e.details.errors = [];
      if (isBareNotFound(e) && (await hiddenRecord(ctx))) throw outOfScopeError();
      if (!isBareRefusal(e)) throw e;
      return explain(ctx);
    }
    // `ctx.forbidden()` / `ctx.notFound()` answer without throwing.
    if (ctx.status === 403 && isBareRefusal(ctx.body?.error)) await explain(ctx);
    else if (ctx.status === 404 && isBareNotFound(ctx.body?.error) && (await hiddenRecord(ctx))) throw outOfScopeError();
  };
}

/** Strapi's own 404 (no record with that id); ROUTE_DISABLED and our codes carry `details.code`. */
const isBareNotFound = (e: any) => ((e?.status ?? e?.statusCode) === 404 || e?.name === 'NotFoundError') && !e?.details?.code;

/** Wraps server.mount so the guard sees every route (plugins', ours, the admin panel's). */
export function enforceRouteTable(strapi: Core.Strapi): void {
  const server: any = strapi.server;
  const mount = server.mount.bind(server);
  server.mount = (...args: any[]) => {
    const res = mount(...args);
    guard(strapi);
    return res;
  };
}
