/**
 * 学年升级 over REST (admin JWT, like /xueji/changes): preview, manual start, runs and their
 * reports, undo. Province officials (and the system administrator) only: 403 PROVINCE_ONLY.
 * Refusals: a Chinese message and a stable code, never a 500.
 */
import type { Core } from '@strapi/strapi';
import { DomainError } from '../domain/errors';
import { scopeOfAdmin, isSuperAdmin } from './scope';
import { promotionService, type Actor } from './promotion';
import { domainHandler } from './http-errors';
import { remindDeadlines } from './reminders';

const STATUS: Record<string, number> = {
  PROVINCE_ONLY: 403, PROMOTION_RUN_NOT_FOUND: 404, PROMOTION_BLOCKED: 409, PROMOTION_RUNNING: 409, PROMOTION_NOT_UNDOABLE: 409,
};
/** The caller as a promotion actor; refuses anyone but a province official or the system administrator. */
export async function provinceActor(strapi: Core.Strapi, ctx: any): Promise<Actor> {
  const user = ctx.state?.user;
  const scope = user ? await scopeOfAdmin(strapi, user.id) : null;
  if (!isSuperAdmin(user) && scope?.level !== 'province') {
    throw new DomainError('PROVINCE_ONLY', '只有省级教育行政部门可以办理学年升级');
  }
  return { id: user.id, name: [user.firstname, user.lastname].filter(Boolean).join('') || user.email, trigger: 'manual' };
}

const yearOf = (v: unknown): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2000 || n > 2100) throw new DomainError('PROMOTION_YEAR_INVALID', `学年：应为四位年份，收到 ${String(v).slice(0, 20)}`, '学年');
  return n;
};

export function registerPromotionRoutes(strapi: Core.Strapi): void {
  const svc = promotionService(strapi);
  const handle = (fn: (ctx: any, actor: Actor) => Promise<{ status?: number; body: any }>) => domainHandler((ctx) => provinceActor(strapi, ctx), STATUS, fn);
  const body = (ctx: any) => {
    const b = ctx.request.body ?? {};
    if (typeof b !== 'object' || Array.isArray(b)) throw new DomainError('BODY_INVALID', '请求内容应为 JSON 对象');
    return b;
  };
  const config = { policies: ['admin::isAuthenticatedAdmin'] };
  const route = (method: string, path: string, fn: Parameters<typeof handle>[0]) => ({ method, path, handler: handle(fn), config });

  strapi.server.routes({
    type: 'admin',
    prefix: '',
    routes: [
      route('GET', '/xueji/promotion/preview', async (ctx) => ({ body: { data: await svc.preview(yearOf(ctx.query?.schoolYear)) } })),
      route('GET', '/xueji/promotion/runs', async () => ({ body: { data: await svc.list(), meta: { current: await svc.readSchoolYear() } } })),
      route('GET', '/xueji/promotion/runs/:schoolYear', async (ctx) => ({ body: { data: await svc.get(yearOf(ctx.params.schoolYear)!) } })),
      route('POST', '/xueji/promotion/runs', async (ctx, actor) => {
        const b = body(ctx);
        const schoolYear = yearOf(b.schoolYear);
        if (schoolYear === undefined) throw new DomainError('PROMOTION_YEAR_INVALID', '学年：请指明升入的学年（如预览中的 schoolYear），重复提交同一学年不会重复升级', '学年');
        const out = await svc.run(actor, { schoolYear, ignoreBlockers: b.ignoreBlockers === true });
        if (out.status === 'busy') throw new DomainError('PROMOTION_RUNNING', out.message);
        if (out.status === 'noop') return { status: 200, body: { data: out.run, meta: { noop: true, message: out.message } } };
        return { status: 201, body: { data: out.run, meta: { noop: false } } };
      }),
      route('POST', '/xueji/tasks/reminders', async (_ctx, actor) => {
        const out = await remindDeadlines(strapi, { trigger: 'manual', actorName: actor.name });
        return { status: out.status === 'done' ? 201 : 200, body: { data: out } };
      }),
      route('POST', '/xueji/promotion/runs/:schoolYear/undo', async (ctx, actor) => ({ body: { data: await svc.undo(actor, yearOf(ctx.params.schoolYear)!) } })),
    ],
  } as any);
}
