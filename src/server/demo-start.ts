/**
 * First start of an empty, non-production database: load the demo province and create one
 * login per role level, then print them. Production never gets demo accounts or passwords.
 */
import type { Core } from '@strapi/strapi';
import { seedDemo } from '../seed/demo-province';
import { ensureDemoAccounts, DEMO_ACCOUNTS } from './demo-accounts';

export async function loadDemoOnFirstStart(strapi: Core.Strapi): Promise<void> {
  const cfg = strapi.config.get('xueji') as any;
  if (!cfg?.demo?.seed || process.env.NODE_ENV === 'production') return;
  const hasData = await strapi.db.query('api::authority.authority').count();
  if (!hasData) {
    const t0 = Date.now();
    const summary = await seedDemo(strapi, { students: cfg.demo.students, seed: 20260901 });
    strapi.log.info(`[xueji] 示范数据已载入：${JSON.stringify(summary)}，用时 ${((Date.now() - t0) / 1000).toFixed(1)} 秒`);
  }
  await ensureDemoAccounts(strapi);
  const url = `${strapi.config.get('server.url') || `http://localhost:${strapi.config.get('server.port')}`}/admin`;
  const lines = DEMO_ACCOUNTS.map((a) => `  ${a.roleName.padEnd(10, '　')} ${a.email.padEnd(30)} ${a.password}  (${a.scopeLabel})`);
  strapi.log.info(`\n[xueji] 管理后台：${url}\n[xueji] 示范账号：\n${lines.join('\n')}\n`);
}

/** No default password in production: demo accounts, if a demo database is promoted, are blocked. */
export async function disableDemoAccountsInProduction(strapi: Core.Strapi, emails = DEMO_ACCOUNTS.map((a) => a.email)): Promise<void> {
  if (process.env.NODE_ENV !== 'production') return;
  const n = await strapi.db.query('admin::user').updateMany({ where: { email: { $in: emails }, isActive: true }, data: { isActive: false, blocked: true } });
  if (n?.count) strapi.log.warn(`[xueji] 生产环境已停用 ${n.count} 个示范账号（默认密码不得用于生产）`);
}
