/**
 * The admin permission behind the 导入导出 menu link (src/plugins/xueji-excel): granted to every
 * staff role (src/server/staff-roles.ts), since each imports and exports inside its own scope;
 * accounts without a staff role do not see the link. The routes check the scope themselves.
 */
import type { Core } from '@strapi/strapi';

export const EXCEL_ACTION = 'plugin::xueji-excel.use';

/** Register phase, before the staff roles are synced. */
export async function registerExcelActions(strapi: Core.Strapi): Promise<void> {
  await (strapi.admin as any).services.permission.actionProvider.registerMany([
    { section: 'plugins', displayName: '导入导出', uid: 'use', pluginName: 'xueji-excel' },
  ]);
}
