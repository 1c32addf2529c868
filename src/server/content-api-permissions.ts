/**
 * Content API (users & permissions) grants, kept as data at every start: the Public role reads
 * nothing scoped (published rosters only, when they exist); authenticated integration accounts
 * read students through the scoped controller, which applies the account's scope.
 */
import type { Core } from '@strapi/strapi';

const AUTHENTICATED = ['api::student.student.find', 'api::student.student.findOne'];

export async function syncContentApiPermissions(strapi: Core.Strapi): Promise<void> {
  const roles = strapi.db.query('plugin::users-permissions.role');
  const perms = strapi.db.query('plugin::users-permissions.permission');
  const authenticated = await roles.findOne({ where: { type: 'authenticated' } });
  const pub = await roles.findOne({ where: { type: 'public' } });
  if (pub) {
    // Public never gets a scoped type, whatever someone ticked in the admin panel.
    const stray = await perms.findMany({ where: { role: { id: pub.id }, action: { $startsWith: 'api::' } } });
    for (const p of stray.filter((x: any) => !x.action.startsWith('api::roster'))) await perms.delete({ where: { id: p.id } });
  }
  if (!authenticated) return;
  for (const action of AUTHENTICATED) {
    const has = await perms.findOne({ where: { action, role: { id: authenticated.id } } });
    if (!has) await perms.create({ data: { action, role: authenticated.id } });
  }
}
