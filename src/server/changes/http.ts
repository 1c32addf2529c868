/**
 * The change engine's REST contract (admin JWT, like /xueji/accounts): thin handlers over the
 * engine service. Refusals: a Chinese message and a stable code, with the status the engine
 * names (409 CHANGE_CONFLICT, 403 OUT_OF_SCOPE …), never a 500.
 */
import type { Core } from '@strapi/strapi';
import { DomainError } from '../../domain/errors';
import { STATUS_OF } from '../../api/change-request/services/engine';
import { domainHandler, registerAdminRoutes, type AdminRoute } from '../http-errors';

export function registerChangeRoutes(strapi: Core.Strapi): void {
  const engine = () => strapi.service('api::change-request.engine') as any;
  const handle = (fn: (ctx: any, caller: any) => Promise<{ status?: number; body: any }>) => domainHandler((ctx) => engine().callerOf(ctx), STATUS_OF, fn);
  const body = (ctx: any) => {
    const b = ctx.request.body;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw new DomainError('BODY_INVALID', '请求内容应为 JSON 对象');
    return b;
  };
  const route = (method: string, path: string, fn: Parameters<typeof handle>[0]): AdminRoute => [method, path, handle(fn)];

  registerAdminRoutes(strapi, [
    route('GET', '/xueji/changes', async (ctx, c) => ({ body: await engine().list(c, ctx.query ?? {}) })),
    route('POST', '/xueji/changes', async (ctx, c) => ({ status: 201, body: { data: await engine().file(c, body(ctx)) } })),
    route('POST', '/xueji/changes/decide', async (ctx, c) => {
      const b = body(ctx);
      return { body: { data: await engine().decideMany(c, b.ids, b.decision, b.comment) } };
    }),
    route('GET', '/xueji/changes/options', async (ctx, c) => ({ body: { data: await engine().options(c, ctx.query?.student) } })),
    route('GET', '/xueji/changes/:documentId', async (ctx, c) => ({ body: { data: await engine().get(c, ctx.params.documentId) } })),
    route('POST', '/xueji/changes/:documentId/decide', async (ctx, c) => ({ body: { data: await engine().decide(c, ctx.params.documentId, body(ctx)) } })),
    route('POST', '/xueji/changes/:documentId/withdraw', async (ctx, c) => ({ body: { data: await engine().withdraw(c, ctx.params.documentId) } })),
    route('POST', '/xueji/changes/:documentId/resubmit', async (ctx, c) => ({ body: { data: await engine().resubmit(c, ctx.params.documentId, ctx.request.body ?? {}) } })),
    route('POST', '/xueji/changes/:documentId/reverse', async (ctx, c) => ({ body: { data: await engine().reverse(c, ctx.params.documentId, body(ctx)) } })),
    route('GET', '/xueji/registrations/drafts', async (_ctx, c) => ({ body: await engine().drafts(c) })),
    route('POST', '/xueji/registrations/submit', async (ctx, c) => ({ status: 201, body: await engine().submitRegistrations(c, body(ctx)) })),
    route('GET', '/xueji/notifications', async (ctx, c) => ({ body: await engine().notifications(c, ctx.query ?? {}) })),
    route('POST', '/xueji/notifications/:id/read', async (ctx, c) => ({ body: { data: await engine().markRead(c, ctx.params.id) } })),
  ]);
}
