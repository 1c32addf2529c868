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

export type AdminRoute = [method: string, path: string, handler: (ctx: any) => Promise<void>];

/** Registers admin-JWT routes under their own paths (/xueji/…), each behind the admin login. */
export function registerAdminRoutes(strapi: { server: { routes: (r: any) => unknown } }, routes: AdminRoute[]): void {
  strapi.server.routes({
    type: 'admin',
    prefix: '',
    routes: routes.map(([method, path, handler]) => ({ method, path, handler, config: { policies: ['admin::isAuthenticatedAdmin'] } })),
  });
}
