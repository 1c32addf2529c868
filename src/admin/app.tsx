import type { StrapiApp } from '@strapi/strapi/admin';
import { Key, FileXls } from '@strapi/icons';
import { labelOf } from '../domain/code-lookup';
import { registerRecordUi, bootstrapRecordUi } from './record-ui';
// Strapi ships almost no zh-Hans for the Content Manager and parts of the admin and media
// library: our translations fill the gaps (checked by tests/unit/admin-translations.test.ts).
import adminZh from './translations/admin.zh-Hans.json';
import contentManagerZh from './translations/content-manager.zh-Hans.json';
import uploadZh from './translations/upload.zh-Hans.json';

const prefixed = (prefix: string, messages: Record<string, string>) =>
  Object.fromEntries(Object.entries(messages).map(([k, v]) => [`${prefix}.${k}`, v]));

export default {
  config: {
    // Chinese (简体中文) for every user; English stays as the fallback Strapi always ships.
    locales: ['zh-Hans'],
    translations: {
      'zh-Hans': {
        ...adminZh,
        ...prefixed('content-manager', contentManagerZh),
        ...prefixed('upload', uploadZh),
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
    // 简体中文 by default, even on the login page; a user's own choice is kept.
    if (typeof window !== 'undefined' && !window.localStorage.getItem('strapi-admin-language')) {
      window.localStorage.setItem('strapi-admin-language', 'zh-Hans');
    }
    // Our pages (every rule is on the server): 下级账号, 导入导出.
    const pages: Array<[string, any, string, string, () => Promise<any>]> = [
      ['xueji-accounts', Key, 'xueji.accounts', '下级账号', () => import('./pages/Accounts')],
      ['xueji-excel', FileXls, 'xueji.excel', '导入导出', () => import('./pages/ImportExport')],
    ];
    for (const [to, icon, id, label, Component] of pages) {
      app.addMenuLink({ to, icon, intlLabel: { id, defaultMessage: label }, permissions: [], Component } as any);
    }
    registerRecordUi(app); // custom fields: code, region, payload
  },
  bootstrap(app: StrapiApp) {
    bootstrapRecordUi(app);
    // Lists show a code field's label (男, 汉族, 在校), not the stored code.
    app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', ({ displayedHeaders, layout }: any) => ({
      layout,
      displayedHeaders: displayedHeaders.map((h: any) =>
        h.attribute?.customField === 'global::code'
          ? { ...h, cellFormatter: (row: any) => labelOf(h.attribute.options?.table, row[h.name]) ?? row[h.name] ?? '-' }
          : h),
    }));
  },
};
