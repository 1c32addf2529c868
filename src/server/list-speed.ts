/**
 * Fast Content Manager lists at a province's scale (issue 13), through Strapi's own mechanisms:
 * a Document Service middleware on the CM list request only (the REST API and the edit view keep
 * their full responses), registered after the scope middleware so it sees — and keeps — the
 * scope filter of every read.
 * - count: exact up to a cap (`xueji.lists.exactCountLimit`), a capped count that stops after cap+1
 *   index entries; above it PostgreSQL's estimate, flagged `pagination.approximate` in the response.
 * - findMany: only the columns of the list layout (no family members, no media; relations with
 *   their main field), and deep pages as a deferred join: the page's ids from an index-only scan
 *   with OFFSET, then the rows by id.
 * - analyzeAfterBulk: fresh planner statistics after a bulk job (import, promotion).
 */
import { accessCache } from './access-cache';
import type { Core } from '@strapi/strapi';
import { SCOPED_TYPES } from '../domain/content-model';
import { approximateTotal, exactCountLimit, listModelOf } from '../domain/list-count';
import { SCOPE_COLUMNS, TO_SIDE_COLUMNS } from '../domain/scope';

const LIST_ROUTE = '/content-manager/collection-types/:model';
const APPROXIMATE = '__xuejiApproximateCount';
const SKIPPED = new Set(['component', 'dynamiczone', 'media']);

/** The content type of the CM list request being served, if this is one. */
function listRequestUid(strapi: Core.Strapi): string | null {
  const ctx: any = strapi.requestContext.get();
  if (!ctx || ctx.method !== 'GET') return null;
  const path: string = ctx.path ?? '';
  const model = path.startsWith('/content-manager/') ? listModelOf(path) : undefined; // the API route, not the panel page
  return model ? decodeURIComponent(model) : null;
}

const isPostgres = (strapi: Core.Strapi) => strapi.db.dialect.client === 'postgres';

/** The where/_q of Document Service params, as the database layer takes them. */
function toQuery(strapi: Core.Strapi, uid: string, params: any): any {
  return (strapi.get('query-params') as any).transform(uid, params);
}

/** The list's total: exact up to the cap, else the planner's estimate (flagged approximate). */
async function cappedCount(strapi: Core.Strapi, uid: string, params: any, next: () => Promise<any>): Promise<number> {
  const cap = exactCountLimit(strapi.config.get('xueji.lists.exactCountLimit'));
  const { where, _q } = toQuery(strapi, uid, { filters: params.filters, _q: params._q });
  const ids = (limit?: number) => {
    const qb = (strapi.db as any).entityManager.createQueryBuilder(uid).init({ where, _q, select: ['id'], ...(limit ? { limit } : {}) });
    return qb.getKnexQuery().clearOrder(); // the builder adds ORDER BY id to a limited select
  };
  const knex = strapi.db.connection;
  const [{ n }]: any[] = await knex.count({ n: '*' }).from(ids(cap + 1).as('capped'));
  const exact = Number(n);
  if (exact <= cap) return exact;
  if (!isPostgres(strapi)) return next(); // SQLite holds small data: count it all
  const { sql, bindings } = ids().toSQL();
  const plan: any = await knex.raw(`EXPLAIN (FORMAT JSON) ${sql}`, bindings as any);
  const estimate = Number(plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']);
  (strapi.requestContext.get() as any).state[APPROXIMATE] = true;
  return approximateTotal(estimate, cap);
}

/** Content Manager configurations between requests (emptied when the core store is written: a layout saved). */
const layouts = accessCache<any>();

/** The list layout's columns, as `fields` and a populate of the listed relations' main fields. */
async function leanShape(strapi: Core.Strapi, uid: string, params: any) {
  const cm: any = strapi.plugin('content-manager').service('content-types');
  const config = await layouts(uid, () => cm.findConfiguration({ uid }));
  const attrs: Record<string, any> = (strapi.getModel(uid as any) as any).attributes;
  const listed: string[] = (config.layouts?.list ?? []).filter((a: string) => attrs[a] && !SKIPPED.has(attrs[a].type));
  const allowed: string[] | undefined = Array.isArray(params.fields) ? params.fields : undefined; // field-level RBAC
  const scalar = listed.filter((a) => attrs[a].type !== 'relation' && (!allowed || allowed.includes(a)));
  // The scope columns too: the CM's permission check evaluates the scope condition on each row.
  const conditionCols = [...SCOPE_COLUMNS, ...Object.values(TO_SIDE_COLUMNS)].filter((a) => attrs[a]);
  const fields = [...new Set(['id', 'documentId', ...conditionCols, ...scalar])];
  const given = params.populate && typeof params.populate === 'object' && !Array.isArray(params.populate) ? params.populate : {};
  const populate: Record<string, any> = {};
  for (const a of listed.filter((x) => attrs[x].type === 'relation' && given[x])) {
    // Keep what the caller's populate says (the scope filter, a count); fetch the main field only.
    const prev = given[a] === true ? {} : { ...given[a] };
    delete prev.populate;
    const main = config.metadatas?.[a]?.list?.mainField ?? config.metadatas?.[a]?.edit?.mainField ?? 'id';
    populate[a] = prev.count ? prev : { ...prev, fields: [...new Set(['id', 'documentId', main])] };
  }
  return { fields, populate };
}

/** A deep page: the ids from an index-only scan with OFFSET, then only those rows. */
async function deferredPage(strapi: Core.Strapi, ctx: any, next: () => Promise<any>) {
  const { start, limit, filters, _q, ...rest } = ctx.params;
  const q = toQuery(strapi, ctx.uid, { filters, _q, sort: rest.sort, start, limit });
  const rows = await strapi.db.query(ctx.uid).findMany({ where: q.where, _q: q._q, orderBy: q.orderBy, offset: q.offset, limit: q.limit, select: ['id'] } as any);
  if (!rows.length) return [];
  // The ids came from the scoped, filtered query: the rows by id need no other condition.
  ctx.params = { ...rest, filters: { id: { $in: rows.map((r: any) => r.id) } }, start: 0, limit: rows.length };
  return next();
}

export function registerListSpeed(strapi: Core.Strapi): void {
  strapi.documents.use(async (ctx: any, next: () => Promise<any>) => {
    if ((ctx.action !== 'count' && ctx.action !== 'findMany') || !SCOPED_TYPES.has(ctx.uid)) return next();
    if (listRequestUid(strapi) !== ctx.uid) return next();
    const params = (ctx.params ??= {});
    if (ctx.action === 'count') return cappedCount(strapi, ctx.uid, params, next);
    // New params objects: the caller (findPage) computes the pagination from the ones it passed.
    ctx.params = { ...params, ...(await leanShape(strapi, ctx.uid, params)) };
    return Number(params.start) > 0 ? deferredPage(strapi, ctx, next) : next();
  });
}

/** The CM list route answers `pagination.approximate: true` when its total is an estimate. */
export function flagApproximateCounts(strapi: Core.Strapi): void {
  const server: any = strapi.server;
  const mount = server.mount.bind(server);
  server.mount = (...args: any[]) => { // the routes exist once the server is mounted
    const res = mount(...args);
    for (const layer of server.listRoutes() as any[]) {
      if (layer.path !== LIST_ROUTE || !layer.methods?.includes('GET') || layer.__xuejiCountFlag) continue;
      layer.__xuejiCountFlag = true;
      layer.stack.unshift(async (ctx: any, next: () => Promise<void>) => {
        await next();
        if (ctx.state[APPROXIMATE] && ctx.body?.pagination) ctx.body.pagination.approximate = true;
      });
    }
    return res;
  };
}

/** Fewer changed rows than this: autovacuum's own thresholds are soon enough. */
const BULK_MIN_ROWS = 1000;

/**
 * After a bulk job, outside its transaction (after commit): VACUUM marks the rewritten pages
 * all-visible again, so counts and deep pages stay index-only scans; ANALYZE refreshes the
 * estimates that the approximate totals and the plans use. SQLite only needs the statistics.
 * About 3.6 s for 1,000,000 students on PostgreSQL (1.6 s of it ANALYZE).
 */
export async function analyzeAfterBulk(strapi: Core.Strapi, uid: string, rowsChanged?: number): Promise<void> {
  if (rowsChanged !== undefined && rowsChanged < BULK_MIN_ROWS) return;
  const table = strapi.db.metadata.get(uid as any).tableName;
  try {
    await strapi.db.connection.raw(isPostgres(strapi) ? `VACUUM (ANALYZE) "${table}"` : `ANALYZE "${table}"`);
  } catch (e: any) {
    strapi.log.warn(`[xueji] ${table} 统计信息更新失败（不影响已提交的数据）：${e.message}`);
  }
}
