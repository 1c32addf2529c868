import type { StrapiApp } from '@strapi/strapi/admin';

export default {
  config: {
    // Chinese (简体中文) for every user; English stays as the fallback Strapi always ships.
    locales: ['zh-Hans'],
    translations: {
      'zh-Hans': {
        'Auth.form.welcome.title': '欢迎使用学籍管理系统',
        'Auth.form.welcome.subtitle': '请登录您的账号',
        'app.components.LeftMenu.navbrand.title': '学籍管理',
        'app.components.LeftMenu.navbrand.workplace': '管理后台',
        'global.code': '代码',
      },
    },
    // Nothing may call out: no release notes, no tutorials.
    notifications: { releases: false },
    tutorials: false,
  },
  register(app: StrapiApp) {
    app.customFields.register({
      name: 'code',
      type: 'string',
      intlLabel: { id: 'global.code', defaultMessage: '代码' },
      intlDescription: { id: 'global.code.description', defaultMessage: '国家或系统代码表中的一项' },
      components: { Input: async () => import('./fields/CodeSelect') as any },
    });
  },
  bootstrap() {},
};
