/** Stamps uploaded files with the uploader's scope columns (see src/extensions/upload). */
import type { Core } from '@strapi/strapi';
import { currentScope } from './scope';
import { SCOPE_COLUMNS, scopeColumnsOfSchool, scopeColumnsOfRegion } from '../domain/scope';

/** Full scope columns of a user's scope: a school's four, or a region's prefix columns. */
export async function columnsOfScope(strapi: Core.Strapi, scope: { level: string; code: string }) {
  if (scope.level === 'school') {
    const s = await strapi.db.query('api::school.school').findOne({ where: { code: scope.code } });
    return s ? scopeColumnsOfSchool(s) : {};
  }
  return scopeColumnsOfRegion(scope.level as any, scope.code);
}

export function registerMediaScope(strapi: Core.Strapi): void {
  strapi.db.lifecycles.subscribe({
    models: ['plugin::upload.file'],
    async beforeCreate(event: any) {
      const data = event.params.data ?? {};
      for (const k of SCOPE_COLUMNS) delete data[k];
      const scope = await currentScope(strapi);
      if (scope && scope !== 'none') Object.assign(data, await columnsOfScope(strapi, scope));
      event.params.data = data;
    },
  });
}
