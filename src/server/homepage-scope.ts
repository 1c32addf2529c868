/**
 * The Content Manager home widget "count documents" counts whole tables with knex (no RBAC
 * condition): a school would see the province's totals. For a scoped caller it counts the
 * types the caller may read, each inside the caller's scope.
 */
import type { Core } from '@strapi/strapi';
import { SCOPED_TYPES } from '../domain/content-model';
import { currentScope, scopeWhere } from './scope';

export function registerScopedHomepage(strapi: Core.Strapi): void {
  const service: any = strapi.plugin('content-manager').service('homepage');
  const original = service.getCountDocuments.bind(service);
  service.getCountDocuments = async () => {
    const scope = await currentScope(strapi);
    if (scope === null) return original();
    const user = (strapi.requestContext.get() as any)?.state?.user;
    const perms = await (strapi.admin as any).services.permission.findMany({
      where: { role: { users: { id: user?.id } }, action: 'plugin::content-manager.explorer.read' },
    });
    const uids = [...new Set<string>(perms.map((p: any) => p.subject).filter((s: string) => SCOPED_TYPES.has(s)))];
    let published = 0;
    if (scope !== 'none') {
      for (const uid of uids) published += await strapi.db.query(uid as any).count({ where: scopeWhere(uid, scope) as any });
    }
    return { draft: 0, published, modified: 0 };
  };
}
