/** One demo login per role level, tied to the demo province's regions (issue: foundation). */
import type { Core } from '@strapi/strapi';

export interface DemoAccount {
  email: string; password: string; firstname: string; roleCode: string; roleName: string;
  level: 'province' | 'city' | 'county' | 'school'; code: string; scopeLabel: string;
}

// Demo-only passwords (never created in production); complex enough for the password policy.
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: 'admin@xueji.demo', password: 'Xueji@2026', firstname: '系统管理员', roleCode: 'strapi-super-admin', roleName: '超级管理员', level: 'province', code: '340000', scopeLabel: '全省' },
  { email: 'province@xueji.demo', password: 'Xueji@2026', firstname: '省教育厅', roleCode: 'xueji-province', roleName: '省级管理员', level: 'province', code: '340000', scopeLabel: '安徽省' },
  { email: 'city@xueji.demo', password: 'Xueji@2026', firstname: '合肥市教育局', roleCode: 'xueji-city', roleName: '市级教育局', level: 'city', code: '340100', scopeLabel: '合肥市' },
  { email: 'county@xueji.demo', password: 'Xueji@2026', firstname: '蜀山区教育局', roleCode: 'xueji-county', roleName: '县级教育局', level: 'county', code: '340104', scopeLabel: '合肥市蜀山区' },
  { email: 'school@xueji.demo', password: 'Xueji@2026', firstname: '学籍管理员', roleCode: 'xueji-school', roleName: '学校学籍管理员', level: 'school', code: '', scopeLabel: '蜀山区第一所小学' },
];

/** The school account belongs to the first primary school of 蜀山区 in the demo data. */
async function demoSchool(strapi: Core.Strapi): Promise<{ code: string; name: string } | null> {
  return strapi.db.query('api::school.school').findOne({
    where: { countyCode: '340104', category: '21' }, orderBy: { code: 'asc' }, select: ['code', 'name'],
  });
}

export async function ensureDemoAccounts(strapi: Core.Strapi): Promise<DemoAccount[]> {
  const school = await demoSchool(strapi);
  const schoolCode = school?.code ?? null;
  const userService = strapi.service('admin::user') as any;
  for (const acc of DEMO_ACCOUNTS) {
    const code = acc.level === 'school' ? schoolCode : acc.code;
    if (!code) continue;
    acc.code = code;
    if (acc.level === 'school' && school) acc.scopeLabel = school.name;
    const role = await strapi.db.query('admin::role').findOne({ where: { code: acc.roleCode } });
    if (!role) continue;
    let user = await strapi.db.query('admin::user').findOne({ where: { email: acc.email } });
    if (!user) {
      user = await userService.create({
        firstname: acc.firstname, lastname: '', email: acc.email, password: acc.password,
        isActive: true, registrationToken: null, roles: [role.id], preferedLanguage: 'zh-Hans',
      });
    }
    const scope = await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: user.id } });
    if (!scope) {
      await strapi.db.query('api::staff-scope.staff-scope').create({
        data: { adminUserId: user.id, level: acc.level, code, label: `${acc.roleName}·${acc.scopeLabel}`, publishedAt: new Date() },
      });
    }
  }
  return DEMO_ACCOUNTS;
}
