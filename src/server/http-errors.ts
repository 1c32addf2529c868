/** Maps domain errors to Strapi's HTTP errors: Chinese message for people, stable code for programs. */
import { errors } from '@strapi/utils';
import { DomainError } from '../domain/errors';

export function toHttpError(e: DomainError): Error {
  return new errors.ValidationError(e.message, { ...(e.details ?? {}), code: e.code, field: e.field });
}

/** Runs fn; a DomainError becomes a 400 ValidationError carrying `details.code`. */
export async function withDomainErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError) throw toHttpError(e);
    throw e;
  }
}

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
