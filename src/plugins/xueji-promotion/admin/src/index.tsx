/** 学年升级: a menu entry and page for province officials (the server refuses everyone else). */
import { ArrowUp } from '@strapi/icons';

export default {
  register(app: any) {
    app.registerPlugin({ id: 'xueji-promotion', name: '学年升级' });
    app.addMenuLink({
      to: 'plugins/xueji-promotion',
      icon: ArrowUp,
      intlLabel: { id: 'xueji-promotion.menu', defaultMessage: '学年升级' },
      permissions: [{ action: 'api::xueji.promotion', subject: null }], // province officials (src/server/staff-roles.ts)
      Component: () => import('./pages/PromotionPage'),
    });
  },
  bootstrap() {},
};
