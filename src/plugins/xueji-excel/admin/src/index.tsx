/**
 * 导入导出: a menu link shown to accounts holding plugin::xueji-excel.use (every staff role; see
 * src/server/excel/admin-actions.ts). Every rule is on the server.
 */
import { FileXls } from '@strapi/icons';

const PLUGIN_ID = 'xueji-excel';

export default {
  register(app: any) {
    app.registerPlugin({ id: PLUGIN_ID, name: '导入导出' });
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: FileXls,
      intlLabel: { id: `${PLUGIN_ID}.menu`, defaultMessage: '导入导出' },
      permissions: [{ action: `plugin::${PLUGIN_ID}.use`, subject: null }],
      Component: () => import('./pages/ImportExportPage'),
    });
  },
  bootstrap() {},
  async registerTrads({ locales }: { locales: string[] }) {
    return locales.map((locale) => ({ data: { [`${PLUGIN_ID}.menu`]: '导入导出', [`${PLUGIN_ID}.plugin.name`]: '导入导出' }, locale }));
  },
};
