import type { StrapiApp } from '@strapi/strapi/admin';
import { Key } from '@strapi/icons';
import { registerRecordUi, bootstrapRecordUi } from './record-ui';
import { registerListCount } from './list-count';
import { CONTENT_TYPES, labelTable } from '../domain/content-model';
// Strapi ships almost no zh-Hans for the Content Manager and parts of the admin and media
// library: our translations fill the gaps (checked by tests/unit/admin-translations.test.ts).
import adminZh from './translations/admin.zh-Hans.json';
import contentManagerZh from './translations/content-manager.zh-Hans.json';
import uploadZh from './translations/upload.zh-Hans.json';
// Full ids that Strapi's code uses but no en.json lists (so no namespace prefix is added).
import extraZh from './translations/extra.zh-Hans.json';
import { strapi as strapiProject } from '../../package.json';

const strapiUuid = strapiProject.uuid;

const prefixed = (prefix: string, messages: Record<string, string>) =>
  Object.fromEntries(Object.entries(messages).map(([k, v]) => [`${prefix}.${k}`, v]));

/**
 * The Content Manager looks up a message for each type's name (its display name is the id) and
 * for each field (`content-manager.content-types.<uid>.<field>`); the labels are the content
 * model's, so the lookups find them instead of falling back with a console error.
 */
const contentModelMessages = (): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const t of CONTENT_TYPES) out[t.displayName] = t.displayName;
  for (const [uid, fields] of Object.entries(labelTable())) {
    if (!uid.startsWith('api::')) continue;
    out[`content-manager.content-types.${uid}.id`] = 'ID';
    for (const [field, label] of Object.entries(fields)) out[`content-manager.content-types.${uid}.${field}`] = label;
  }
  return out;
};

export default {
  config: {
    // Chinese (简体中文) for every user; English stays as the fallback Strapi always ships.
    locales: ['zh-Hans'],
    translations: {
      'zh-Hans': {
        ...adminZh,
        ...prefixed('content-manager', contentManagerZh),
        ...prefixed('upload', uploadZh),
        ...extraZh,
        ...contentModelMessages(),
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
    // Strapi's "new Media Library, read the blog post" banner has no switch; it stays away once
    // dismissed, which Strapi stores per instance id and message. The id is package.json's
    // strapi.uuid, or `false` while telemetry is disabled (as here).
    if (typeof window !== 'undefined') {
      for (const instance of [strapiUuid, false]) {
        for (const legacy of [false, true]) window.localStorage.setItem(`STRAPI_MEDIA_LIBRARY_BANNER_DISMISSED_FOR_${legacy}:${instance}`, 'true');
      }
    }
    // Our pages (every rule is on the server): 下级账号 for bureaus (导入导出 is the xueji-excel
    // plugin). The menu shows a page only to a role holding its admin action (src/server/staff-roles.ts).
    const pages: Array<[string, any, string, string, string, () => Promise<any>]> = [
      ['xueji-accounts', Key, 'xueji.accounts', '下级账号', 'api::xueji.accounts', () => import('./pages/Accounts')],
    ];
    for (const [to, icon, id, label, action, Component] of pages) {
      app.addMenuLink({ to, icon, intlLabel: { id, defaultMessage: label }, permissions: [{ action, subject: null }], Component } as any);
    }
    // Home page: the profile, the scoped 条目 counts (src/server/homepage-scope.ts), the recently
    // edited records (scoped on the server) and 学籍待办. Strapi's project statistics (all
    // records, API tokens, webhooks) are for whoever may manage those; "last published" means
    // nothing without draft & publish; deploy and release widgets are Strapi promotion.
    const SYSTEM_WIDGET_PERMISSIONS = ['admin::users.read', 'admin::api-tokens.read', 'admin::webhooks.read'].map((action) => ({ action }));
    app.widgets.register((widgets: any[]) => widgets
      .filter((w) => !['last-published-entries', 'deploy-now', 'upcoming-releases', 'assigned'].includes(w.id))
      .map((w) => (w.id === 'key-statistics' ? { ...w, permissions: SYSTEM_WIDGET_PERMISSIONS } : w)));
    registerRecordUi(app); // custom fields: code, region, payload
  },
  bootstrap(app: StrapiApp) {
    bootstrapRecordUi(app);
    registerListCount(app); // "约 100 万条" when a list's total is an estimate
  },
};
