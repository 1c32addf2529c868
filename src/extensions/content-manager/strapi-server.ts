/**
 * The Content Manager's relation pickers (`GET /content-manager/relations/:model[/:id]/:targetField`).
 *
 * - Their query is cut to the parameters the panel's picker sends. Strapi runs these reads with
 *   `strapi.db.query` (no Document Service, so no scope middleware) and returns rows without
 *   output sanitising: a `populate` or a `filters` through a relation there read other regions'
 *   records and admin users' password hashes and reset tokens. Nothing else is read from the query.
 * - A field the role may not read answers 403 (Strapi's controller calls `ctx.forbidden()` and
 *   goes on with `undefined`, a 500); the route guard words it as NO_PERMISSION.
 */
import { PICKER_QUERY_KEYS } from '../../domain/route-access';

const onlyPickerQuery = (ctx: any) => {
  const query = ctx.request.query ?? {};
  const kept = Object.fromEntries(Object.entries(query).filter(([k]) => PICKER_QUERY_KEYS.has(k)));
  if (Object.keys(kept).length !== Object.keys(query).length) ctx.request.query = kept;
};

export default (plugin: any) => {
  const relations = plugin.controllers.relations;
  for (const action of ['findAvailable', 'findExisting'] as const) {
    const original = relations[action];
    relations[action] = async function (this: any, ctx: any) {
      onlyPickerQuery(ctx);
      try {
        return await original.call(this, ctx);
      } catch (e) {
        if (ctx.status === 403 && e instanceof TypeError) return; // ctx.forbidden() already answered
        throw e;
      }
    };
  }
  return plugin;
};
