/**
 * REST (content API) reads of scoped types for integration accounts: the core controller with
 * the scope filter forced into the query and `populate` limited to relations of the same scope,
 * so no relation reaches records of another region (PLATFORM.md: populate bypasses middlewares).
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { currentScope, scopeWhere } from './scope';

const refuse = () => new errors.PolicyError('超出管辖范围：该账号未绑定管辖范围，或所请求记录不在其范围内', { code: 'OUT_OF_SCOPE' });

/** `allowedPopulate` defaults to the type's relations and components (each scoped on read). */
export function scopedReadController(uid: string, allowedPopulate?: string[]) {
  return ({ strapi }: { strapi: Core.Strapi }) => {
    const attrs: Record<string, any> = (strapi.getModel(uid as any) as any).attributes;
    allowedPopulate ??= Object.keys(attrs).filter((k) => ['relation', 'component', 'media'].includes(attrs[k].type) && !['createdBy', 'updatedBy', 'localizations'].includes(k));
    return {
    async find(ctx: any) {
      const scope = await currentScope(strapi);
      if (!scope || scope === 'none') throw refuse();
      const { query } = ctx;
      const populate = [query.populate].flat().filter((p: any) => typeof p === 'string').flatMap((p: string) => p.split(',')).filter((p: string) => allowedPopulate!.includes(p));
      const int = (v: any, d: number) => (/^\d{1,6}$/.test(String(v ?? '')) ? Number(v) : d);
      const page = Math.max(1, int(query.pagination?.page, 1));
      const pageSize = Math.min(100, Math.max(1, int(query.pagination?.pageSize, 25)));
      const model = strapi.getModel(uid as any);
      const sort = query.sort ? await strapi.contentAPI.sanitize.sort(query.sort, model, { auth: ctx.state.auth }) : 'id:asc';
      const where = { $and: [scopeWhere(uid, scope), ...(query.filters ? [await strapi.contentAPI.sanitize.filters(query.filters, strapi.getModel(uid as any))] : [])] };
      const [results, total] = await Promise.all([
        strapi.documents(uid as any).findMany({ filters: where as any, populate: populate as any, start: (page - 1) * pageSize, limit: pageSize, sort: (sort as any) || 'id:asc' }),
        strapi.documents(uid as any).count({ filters: where as any }),
      ]);
      const data = await strapi.contentAPI.sanitize.output(results, strapi.getModel(uid as any), { auth: ctx.state.auth });
      ctx.body = { data, meta: { pagination: { page, pageSize, pageCount: Math.ceil(total / pageSize), total } } };
    },
    async findOne(ctx: any) {
      const scope = await currentScope(strapi);
      if (!scope || scope === 'none') throw refuse();
      const doc = await strapi.documents(uid as any).findFirst({ filters: { $and: [{ documentId: ctx.params.id }, scopeWhere(uid, scope)] } as any, populate: allowedPopulate as any });
      if (!doc) return ctx.notFound('记录不存在或不在管辖范围内');
      ctx.body = { data: await strapi.contentAPI.sanitize.output(doc, strapi.getModel(uid as any), { auth: ctx.state.auth }), meta: {} };
    },
  };
  };
}
