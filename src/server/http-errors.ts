/** Maps domain errors to Strapi's HTTP errors: Chinese message for people, stable code for programs. */
import { errors } from '@strapi/utils';
import { DomainError } from '../domain/errors';

/**
 * A 400 ValidationError carrying `details.code`; with the attribute path of the field, also
 * `details.errors[{ path, message }]`, which the Content Manager shows next to that field.
 */
export function toHttpError(e: DomainError, path?: string[]): Error {
  const fieldErrors = path?.length ? [{ path, message: e.message, name: 'ValidationError' }] : [];
  return new errors.ValidationError(e.message, { ...(e.details ?? {}), code: e.code, field: e.field, errors: fieldErrors });
}

/** Runs fn; a DomainError becomes a 400 ValidationError carrying `details.code` (and the field path). */
export async function withDomainErrors<T>(fn: () => Promise<T>, pathOf?: (field: string | undefined) => string[] | undefined): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError) throw toHttpError(e, pathOf?.(e.field));
    throw e;
  }
}

/** What an admin request tried, in words: '修改', '删除' … (for the refusal message). */
export function verbOf(method: string, path: string): string {
  if (/bulkDelete|\/actions\/delete/.test(path)) return '删除';
  if (/publish/i.test(path)) return '发布';
  if (/\/clone\//.test(path)) return '复制';
  return ({ GET: '查看', POST: '新增', PUT: '修改', DELETE: '删除' } as Record<string, string>)[method] ?? '执行';
}

/** The refusal of an action the caller's role does not grant (Strapi answers a bare "Policy Failed"). */
export const noPermissionError = (verb: string, typeName?: string) => ({
  status: 403, name: 'ForbiddenError',
  message: `无权${verb}${typeName ? `“${typeName}”` : '该内容'}：您的账号角色没有这项权限`,
  details: { code: 'NO_PERMISSION' },
});

/**
 * Strapi's own 403s (a route policy, the Content Manager's permission checker) carry no words
 * and no code; 400s thrown by Strapi's validators carry no `details.errors` the panel expects.
 */
export const isBareRefusal = (e: any) =>
  ((e?.status ?? e?.statusCode) === 403 || e?.name === 'PolicyError' || e?.name === 'ForbiddenError') &&
  !e?.details?.code && ['Policy Failed', 'Forbidden'].includes(String(e?.message));

const NAMES: Record<number, string> = { 400: 'ValidationError', 403: 'ForbiddenError', 404: 'NotFoundError', 409: 'ConflictError', 429: 'RateLimitError' };

/** The error body of a refusal: `{ data: null, error: { status, name, message, details: { code, field? } } }`. */
export function domainErrorBody(e: DomainError, status: number) {
  return { data: null, error: { status, name: NAMES[status] ?? 'ApplicationError', message: e.message, details: { ...(e.details ?? {}), code: e.code, ...(e.field ? { field: e.field } : {}) } } };
}

/**
 * A Koa handler for the /xueji routes: resolves the caller, runs fn, answers its status and body;
 * a DomainError answers the status `statusOf` names for its code (else 400) — never a 500.
 */
export function domainHandler<C>(callerOf: (ctx: any) => Promise<C>, statusOf: Record<string, number>,
  fn: (ctx: any, caller: C) => Promise<{ status?: number; body: any }>) {
  return async (ctx: any) => {
    try {
      const out = await fn(ctx, await callerOf(ctx));
      ctx.status = out.status ?? 200;
      ctx.body = out.body;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const status = statusOf[e.code] ?? 400;
      ctx.status = status;
      ctx.body = domainErrorBody(e, status);
    }
  };
}

export type AdminRoute = [method: string, path: string, handler: (ctx: any) => Promise<void>];

/** Registers admin-JWT routes under their own paths (/xueji/…), each behind the admin login. */
export function registerAdminRoutes(strapi: { server: { routes: (r: any) => unknown } }, routes: AdminRoute[]): void {
  strapi.server.routes({
    type: 'admin',
    prefix: '',
    routes: routes.map(([method, path, handler]) => ({ method, path, handler, config: { policies: ['admin::isAuthenticatedAdmin'] } })),
  });
}

/**
 * The body parser's refusals (co-body, raw-body), worded: malformed or non-object JSON and
 * prototype keys (400), a body over the limit (413), an unknown content encoding (415). Any other
 * error: undefined.
 */
export function bodyRefusal(e: any): { status: number; name: string; message: string; details: { code: string } } | undefined {
  const out = (status: number, name: string, message: string, code: string) => ({ status, name, message, details: { code } });
  if (e instanceof SyntaxError && (e as any).status === 400) {
    if (/prototype/i.test(e.message)) return out(400, 'ValidationError', '请求体含有不允许的属性名 __proto__', 'INVALID_BODY');
    return out(400, 'ValidationError', '请求体不是有效的 JSON 对象或数组，请检查格式', 'INVALID_JSON');
  }
  if (e?.type === 'entity.too.large') return out(413, 'PayloadTooLargeError', `请求体过大（上限 ${Math.round((e.limit ?? 0) / 1024)} KB），请拆分后提交`, 'BODY_TOO_LARGE');
  if (e?.type === 'encoding.unsupported') return out(415, 'UnsupportedMediaTypeError', '不支持的请求体编码（Content-Encoding）', 'ENCODING_UNSUPPORTED');
  return undefined;
}
