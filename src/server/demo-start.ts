/**
 * Demo database at start (rules in src/seed/demo-guard.ts, `decideStart`): the first start of an
 * empty, non-production database loads the demo province, marks the database as a demo database
 * (src/seed/demo-mark.ts), creates one login per role level and then files the demo's change
 * requests through the change engine (src/seed/demo-changes.ts); later starts of that marked
 * database re-ensure the logins. A database that was not seeded as demo never gets demo logins
 * (their passwords are published). Production never gets demo accounts or passwords.
 */
import type { Core } from '@strapi/strapi';
import { seedDemo, type Summary } from '../seed/demo-province';
import { seedDemoChanges } from '../seed/demo-changes';
import { decideStart, type StartAction } from '../seed/demo-guard';
import { countRows, readDemoMark, writeDemoMark } from '../seed/demo-mark';
import { ensureDemoAccounts, DEMO_ACCOUNTS } from './demo-accounts';
import { publishRosters } from './rosters';

export const DEMO_SEED = 20260901;

/** Returns what it did. */
export async function loadDemoOnFirstStart(strapi: Core.Strapi): Promise<StartAction> {
  const cfg = strapi.config.get('xueji') as any;
  const production = process.env.NODE_ENV === 'production';
  const seedEnabled = Boolean(cfg?.demo?.seed);
  if (production || !seedEnabled) return 'none';
  const counts = await countRows(strapi);
  const mark = await readDemoMark(strapi);
  const action = decideStart({ production, seedEnabled, marked: Boolean(mark), dataRows: counts.dataRows, adminUsers: counts.adminUsers });
  if (action === 'none') {
    strapi.log.info('[xueji] 数据库不是示范数据库（已有数据、无示范标记）：不载入示范数据，不创建示范账号。 (not a demo database: no demo data, no demo logins)');
    return action;
  }
  const t0 = Date.now();
  let summary: Summary | null = null;
  if (action === 'seed') {
    summary = await seedDemo(strapi, { students: Number(cfg.demo.students), seed: DEMO_SEED });
    await writeDemoMark(strapi, { seed: DEMO_SEED, students: summary.students, at: new Date().toISOString(), by: 'start' });
  }
  await ensureDemoAccounts(strapi);
  if (summary) {
    // Requests in flight are filed through the change engine once the demo logins exist, so
    // school@ finds its own requests and the bureaus' logins find theirs in their to-do.
    summary.changeRequests = await seedDemoChanges(strapi, { seed: DEMO_SEED });
    // The demo publishes its rosters (公示) once, so a website has something to pull at once.
    if (cfg.rosters?.publishOnFirstStart !== false) await publishRosters(strapi, { scope: null, trigger: 'start', actorName: '示范数据' });
    strapi.log.info(`[xueji] 示范数据已载入：${JSON.stringify(summary)}，用时 ${((Date.now() - t0) / 1000).toFixed(1)} 秒`);
  }
  const url = `${strapi.config.get('server.url') || `http://localhost:${strapi.config.get('server.port')}`}/admin`;
  const lines = DEMO_ACCOUNTS.map((a) => `  ${a.roleName.padEnd(10, '　')} ${a.email.padEnd(30)} ${a.password}  (${a.scopeLabel})`);
  strapi.log.info(`\n[xueji] 管理后台：${url}\n[xueji] 示范账号：\n${lines.join('\n')}\n`);
  return action;
}

/** No default password in production: demo accounts, if a demo database is promoted, are blocked. */
export async function disableDemoAccountsInProduction(strapi: Core.Strapi, emails = DEMO_ACCOUNTS.map((a) => a.email)): Promise<void> {
  if (process.env.NODE_ENV !== 'production') return;
  const n = await strapi.db.query('admin::user').updateMany({ where: { email: { $in: emails }, isActive: true }, data: { isActive: false, blocked: true } });
  if (n?.count) strapi.log.warn(`[xueji] 生产环境已停用 ${n.count} 个示范账号（默认密码不得用于生产）`);
}
