/**
 * Public rosters over REST: the latest publication per school (paged), one school's roster,
 * `?since=` (what changed, OneRoster style), `ETag` / `Last-Modified` / `Cache-Control` with
 * `304 Not Modified` for a website polling an unchanged roster. And the parents' 学籍状态查询.
 */
import { createHash } from 'crypto';
import { DomainError } from '../../../domain/errors';
import { diffRosters } from '../../../domain/rosters';
import { domainErrorBody } from '../../../server/http-errors';
import { PUB_UID, dateOf, latestPublications, listItem, publicationDoc } from '../../../server/rosters';
import { lookUpStatus, STATUS_LOOKUP_CODES } from '../../../server/status-lookup';

const SCHOOL_CODE = /^\d{10}$/;
const STATUS: Record<string, number> = { ROSTER_NOT_FOUND: 404, ...STATUS_LOOKUP_CODES };

function sinceOf(v: unknown): Date | undefined {
  if (v === undefined || v === '') return undefined;
  const d = new Date(String(v));
  if (typeof v !== 'string' || Number.isNaN(d.getTime())) throw new DomainError('SINCE_INVALID', `since：应为 ISO 8601 时间（如 2026-09-01T00:00:00Z），收到 ${String(v).slice(0, 40)}`, 'since');
  return d;
}

function intOf(v: unknown, def: number, max: number, field: string): number {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new DomainError('PAGINATION_INVALID', `${field}：应为 1–${max} 的整数`, field);
  return n;
}

/** Sets the cache headers; true (and 304) when the client's copy is current. */
function notModified(ctx: any, etag: string, lastModified: Date | null): boolean {
  const tag = `"${etag}"`;
  ctx.set('ETag', tag);
  if (lastModified) ctx.set('Last-Modified', lastModified.toUTCString());
  ctx.set('Cache-Control', 'public, max-age=60, must-revalidate');
  const inm = ctx.get('If-None-Match');
  if (inm) {
    if (inm.split(',').map((s: string) => s.trim().replace(/^W\//, '')).some((s: string) => s === tag || s === '*')) { ctx.status = 304; return true; }
    return false;
  }
  const ims = Date.parse(ctx.get('If-Modified-Since') || '');
  if (lastModified && !Number.isNaN(ims) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(ims / 1000)) { ctx.status = 304; return true; }
  return false;
}

const handle = (fn: (ctx: any) => Promise<void>) => async (ctx: any) => {
  try {
    await fn(ctx);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const status = STATUS[e.code] ?? 400;
    ctx.status = status;
    ctx.body = domainErrorBody(e, status);
  }
};

export default ({ strapi }: { strapi: any }) => ({
  list: handle(async (ctx) => {
    const since = sinceOf(ctx.query.since);
    const page = intOf(ctx.query.page ?? ctx.query['pagination[page]'], 1, 100000, 'page');
    const pageSize = intOf(ctx.query.pageSize ?? ctx.query['pagination[pageSize]'], 100, 500, 'pageSize');
    const res = await latestPublications(strapi, { since, offset: (page - 1) * pageSize, limit: pageSize });
    const etag = createHash('sha256').update(JSON.stringify([res.maxId, res.total, page, pageSize, since?.toISOString() ?? null])).digest('hex').slice(0, 32);
    if (notModified(ctx, etag, res.lastModified)) return;
    ctx.body = {
      data: res.rows.map(listItem),
      meta: { pagination: { page, pageSize, pageCount: Math.ceil(res.total / pageSize), total: res.total }, ...(since ? { since: since.toISOString() } : {}) },
    };
  }),

  one: handle(async (ctx) => {
    const code = String(ctx.params.schoolCode ?? '');
    const since = sinceOf(ctx.query.since);
    const notFound = () => new DomainError('ROSTER_NOT_FOUND', `学校标识码 ${code.slice(0, 20)} 没有公示名单`);
    if (!SCHOOL_CODE.test(code)) throw notFound();
    const q = strapi.db.query(PUB_UID);
    const row = await q.findOne({ where: { schoolCode: code }, orderBy: { id: 'desc' } });
    if (!row) throw notFound();
    const released = dateOf(row.releasedAt);
    if (!since) {
      if (notModified(ctx, row.etag, released)) return;
      ctx.body = publicationDoc(row);
      return;
    }
    // What changed since a time: against the publication that was current then (none: all added).
    const base = await q.findOne({ where: { schoolCode: code, releasedAt: { $lte: since } }, orderBy: { id: 'desc' } });
    const etag = createHash('sha256').update(`${row.etag}|${base?.etag ?? ''}`).digest('hex').slice(0, 32);
    if (notModified(ctx, etag, released)) return;
    const doc = publicationDoc(row);
    ctx.body = {
      school: doc.school, schoolYear: doc.schoolYear, publishedAt: doc.publishedAt, since: since.toISOString(),
      changes: base && base.id === row.id ? [] : diffRosters(base?.classes ?? [], row.classes ?? []),
    };
  }),

  status: handle(async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: await lookUpStatus(strapi, ctx) };
  }),
});
