/**
 * On-demand publication of rosters (admin JWT): a school publishes its own, a bureau its region,
 * the system administrator the province. The nightly cron publishes everything that changed.
 */
import type { Core } from '@strapi/strapi';
import { DomainError } from '../domain/errors';
import { scopeOfAdmin, isSuperAdmin } from './scope';
import { domainHandler } from './http-errors';
import { publishRosters } from './rosters';

export function registerRosterRoutes(strapi: Core.Strapi): void {
  const callerOf = async (ctx: any) => {
    const user = ctx.state?.user;
    const scope = await scopeOfAdmin(strapi, user.id);
    if (!scope && !isSuperAdmin(user)) throw new DomainError('NO_SCOPE', '账号未设置管辖范围，不能发布公示');
    return { scope, name: [user.firstname, user.lastname].filter(Boolean).join('') || user.email };
  };
  strapi.server.routes({
    type: 'admin',
    prefix: '',
    routes: [{
      method: 'POST', path: '/xueji/rosters/publish', config: { policies: ['admin::isAuthenticatedAdmin'] },
      handler: domainHandler(callerOf, { NO_SCOPE: 403, ROSTERS_RUNNING: 409 }, async (_ctx, c) => {
        const { workerMaxRssBytes: _rss, ...data } = await publishRosters(strapi, { scope: c.scope, trigger: 'manual', actorName: c.name });
        return { status: 201, body: { data } };
      }),
    }],
  } as any);
}
