/**
 * Account security for admin-panel logins (A §19; N 系统安全): lockout after repeated
 * failures, password complexity on every path that sets one, password expiry, and an audit row
 * for every login attempt. A Koa middleware around Strapi's own admin auth routes.
 */
import type { Core } from '@strapi/strapi';
import { checkPasswordStrength, isPasswordExpired, afterFailure, DEFAULT_PASSWORD_POLICY } from '../domain/password-policy';
import { DomainError } from '../domain/errors';
import { writeAudit } from './audit';

export const LOGIN_GUARD_TABLE = 'xueji_login_guard';
export const PASSWORD_TABLE = 'xueji_password_changes';

export const policyOf = (strapi: Core.Strapi) => ({ ...DEFAULT_PASSWORD_POLICY, ...((strapi.config.get('xueji') as any)?.security ?? {}) });

export async function ensureSecurityTables(strapi: Core.Strapi) {
  const knex = strapi.db.connection;
  if (!(await knex.schema.hasTable(LOGIN_GUARD_TABLE))) {
    await knex.schema.createTable(LOGIN_GUARD_TABLE, (t) => {
      t.string('email', 255).primary();
      t.integer('failures').notNullable().defaultTo(0);
      t.bigInteger('locked_until').nullable(); // epoch ms: same on SQLite and PostgreSQL
    });
  }
  if (!(await knex.schema.hasTable(PASSWORD_TABLE))) {
    await knex.schema.createTable(PASSWORD_TABLE, (t) => {
      t.integer('admin_user_id').primary();
      t.bigInteger('changed_at').notNullable();
    });
  }
}

export async function recordPasswordChange(strapi: Core.Strapi, adminUserId: number, at = new Date()) {
  await strapi.db.connection.raw(
    `INSERT INTO ${PASSWORD_TABLE} (admin_user_id, changed_at) VALUES (?, ?) ON CONFLICT (admin_user_id) DO UPDATE SET changed_at = excluded.changed_at`,
    [adminUserId, at.getTime()]);
}

const fail = (ctx: any, status: number, code: string, message: string) => {
  ctx.status = status;
  ctx.body = { data: null, error: { status, name: status === 429 ? 'TooManyRequestsError' : 'ForbiddenError', message, details: { code } } };
};

/** Paths on which Strapi's admin accepts a new password. */
const PASSWORD_PATHS: Array<[string, RegExp]> = [
  ['POST', /^\/admin\/users\/?$/],
  ['PUT', /^\/admin\/users\/\d+\/?$/],
  ['PUT', /^\/admin\/users\/me\/?$/],
  ['POST', /^\/admin\/reset-password\/?$/],
  ['POST', /^\/admin\/register(-admin)?\/?$/],
];

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => async (ctx: any, next: () => Promise<void>) => {
  const policy = policyOf(strapi);
  const knex = strapi.db.connection;

  if (ctx.method === 'POST' && ctx.path === '/admin/login') {
    const email = String(ctx.request.body?.email ?? '').trim().toLowerCase();
    const now = new Date();
    const guard = email ? await knex(LOGIN_GUARD_TABLE).where({ email }).first() : null;
    if (guard?.locked_until && Number(guard.locked_until) > now.getTime()) {
      await writeAudit(strapi, { action: 'login.locked', subjectType: 'admin::user', actor: { name: email, kind: 'admin', ip: ctx.request.ip } });
      const minutes = Math.ceil((Number(guard.locked_until) - now.getTime()) / 60_000);
      return fail(ctx, 429, 'ACCOUNT_LOCKED', `连续登录失败 ${policy.maxFailures} 次，账号已锁定，请 ${minutes} 分钟后再试或联系上级管理员`);
    }
    // Expired password: refuse before any token is issued, only when the password is right.
    const user = email ? await strapi.db.query('admin::user').findOne({ where: { email } }) : null;
    if (user?.password && ctx.request.body?.password) {
      const ok = await (strapi.service('admin::auth') as any).validatePassword(String(ctx.request.body.password), user.password);
      if (ok) {
        const row = await knex(PASSWORD_TABLE).where({ admin_user_id: user.id }).first();
        const changedAt = row ? new Date(Number(row.changed_at)) : new Date(user.createdAt ?? user.created_at ?? now);
        if (isPasswordExpired(changedAt, now, policy)) {
          await writeAudit(strapi, { action: 'login.expired', subjectType: 'admin::user', subjectId: String(user.id), actor: { id: user.id, name: email, kind: 'admin', ip: ctx.request.ip } });
          return fail(ctx, 403, 'PASSWORD_EXPIRED', `密码已超过 ${policy.maxAgeDays} 天未修改，请通过“忘记密码”重设，或请上级管理员重置后再登录`);
        }
      }
    }
    let thrown: unknown;
    try {
      await next();
    } catch (e) {
      thrown = e; // Strapi throws on a wrong password; record the failure, then let it through
    }
    if (!thrown && ctx.status === 200) {
      await knex(LOGIN_GUARD_TABLE).where({ email }).del();
      await writeAudit(strapi, { action: 'login.success', subjectType: 'admin::user', subjectId: String(user?.id ?? ''), actor: { id: user?.id, name: email, kind: 'admin', ip: ctx.request.ip } });
    } else if (email) {
      const state = afterFailure(Number(guard?.failures ?? 0), now, policy);
      if (guard) await knex(LOGIN_GUARD_TABLE).where({ email }).update({ failures: state.failures, locked_until: state.lockedUntil?.getTime() ?? null });
      else await knex(LOGIN_GUARD_TABLE).insert({ email, failures: state.failures, locked_until: state.lockedUntil?.getTime() ?? null });
      await writeAudit(strapi, { action: 'login.failure', subjectType: 'admin::user', changes: { failures: state.failures }, actor: { name: email, kind: 'admin', ip: ctx.request.ip } });
    }
    if (thrown) throw thrown;
    return;
  }

  const isPasswordPath = PASSWORD_PATHS.some(([m, re]) => m === ctx.method && re.test(ctx.path));
  if (isPasswordPath && ctx.request.body?.password !== undefined) {
    try {
      checkPasswordStrength(String(ctx.request.body.password), policy);
    } catch (e) {
      if (e instanceof DomainError) {
        ctx.status = 400;
        ctx.body = { data: null, error: { status: 400, name: 'ValidationError', message: e.message, details: { code: e.code } } };
        return;
      }
      throw e;
    }
    await next();
    if (ctx.status >= 200 && ctx.status < 300) {
      const m = ctx.path.match(/\/admin\/users\/(\d+)/);
      const id = m ? Number(m[1]) : ctx.path.startsWith('/admin/users/me') ? ctx.state?.user?.id : ctx.body?.data?.user?.id ?? ctx.body?.data?.id;
      if (id) await recordPasswordChange(strapi, Number(id));
    }
    return;
  }
  return next();
};
