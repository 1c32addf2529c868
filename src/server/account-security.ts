/**
 * Account security (A §19; N 系统安全), applied where credentials and passwords are handled,
 * never on a URL spelling:
 * - admin login: `admin::auth.checkCredentials` is wrapped (Strapi's local passport strategy calls
 *   it for every route that authenticates): input bounds, lockout per (account, client address),
 *   password expiry, failure counting, audit. Users & permissions logins get the same from the
 *   plugin extension (src/extensions/users-permissions).
 * - every admin password change (user service) is checked for strength, dated, and revokes the
 *   user's sessions and admin tokens.
 * The Koa middleware (`global::account-security`) only does what must come before Strapi's own
 * rate limiters (input bounds, an existing lock, password strength with a stable code) and turns a
 * refusal stashed by the wrapped strategy into its response (Strapi's login controller would answer
 * any strategy refusal with a plain 400).
 */
import path from 'path';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { checkPasswordStrength, isPasswordExpired, DEFAULT_PASSWORD_POLICY } from '../domain/password-policy';
import { DomainError } from '../domain/errors';
import { writeAudit } from './audit';

export const LOGIN_GUARD_TABLE = 'xueji_login_guard';
export const PASSWORD_TABLE = 'xueji_password_changes';
/** Longest account name (e-mail, username) and password a login form accepts. */
export const LOGIN_LIMITS = { account: 255, password: 512 };
/** bcrypt ignores everything after 72 bytes: a longer new password is refused. */
export const PASSWORD_MAX_BYTES = 72;

/** 'admin': admin-panel staff; 'api': users & permissions (integration accounts). */
export type Realm = 'admin' | 'api';

const STASH = 'xuejiAuthError';

export const policyOf = (strapi: Core.Strapi) => ({ ...DEFAULT_PASSWORD_POLICY, ...((strapi.config.get('xueji') as any)?.security ?? {}) });

export async function ensureSecurityTables(strapi: Core.Strapi) {
  const knex = strapi.db.connection;
  // The guard used to be keyed by e-mail alone; its rows are transient, so the old table goes.
  if ((await knex.schema.hasTable(LOGIN_GUARD_TABLE)) && !(await knex.schema.hasColumn(LOGIN_GUARD_TABLE, 'ip'))) {
    await knex.schema.dropTable(LOGIN_GUARD_TABLE);
  }
  if (!(await knex.schema.hasTable(LOGIN_GUARD_TABLE))) {
    await knex.schema.createTable(LOGIN_GUARD_TABLE, (t) => {
      t.string('realm', 8).notNullable();
      t.string('account', LOGIN_LIMITS.account).notNullable();
      t.string('ip', 64).notNullable();
      t.integer('failures').notNullable().defaultTo(0);
      t.bigInteger('locked_until').nullable(); // epoch ms: same on SQLite and PostgreSQL
      t.primary(['realm', 'account', 'ip']);
    });
  }
  if (!(await knex.schema.hasTable(PASSWORD_TABLE))) {
    await knex.schema.createTable(PASSWORD_TABLE, (t) => {
      t.integer('admin_user_id').primary();
      t.bigInteger('changed_at').notNullable();
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Errors (stable codes in details.code)

const tooLong = (field: string, max: number, unit = '个字符') =>
  new errors.ValidationError(`${field}：最多 ${max} ${unit}`, { code: 'INPUT_TOO_LONG', field });

const lockedError = (strapi: Core.Strapi, until: number, now: number) => {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  return new errors.RateLimitError(
    `连续登录失败 ${policyOf(strapi).maxFailures} 次，该账号在当前网络地址已被锁定，请 ${minutes} 分钟后再试，或联系上级管理员重置密码`,
    { code: 'ACCOUNT_LOCKED', minutes });
};

const expiredError = (strapi: Core.Strapi) => new errors.ForbiddenError(
  `密码已超过 ${policyOf(strapi).maxAgeDays} 天未修改，请通过“忘记密码”重设，或请上级管理员重置后再登录`, { code: 'PASSWORD_EXPIRED' });

/** Login form bounds: checked before anything is looked up or stored. */
export function assertLoginInput(account: unknown, password: unknown): void {
  if (typeof account === 'string' && account.length > LOGIN_LIMITS.account) throw tooLong('账号', LOGIN_LIMITS.account);
  if (typeof password === 'string' && password.length > LOGIN_LIMITS.password) throw tooLong('密码', LOGIN_LIMITS.password);
  if ((account != null && typeof account !== 'string') || (password != null && typeof password !== 'string')) {
    throw new errors.ValidationError('账号和密码应为文本', { code: 'INPUT_INVALID' });
  }
}

/** The password policy for every path that sets a password: PASSWORD_WEAK / INPUT_TOO_LONG (400). */
export function assertStrongPassword(strapi: Core.Strapi, password: unknown): void {
  if (typeof password === 'string' && Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    throw tooLong('密码', PASSWORD_MAX_BYTES, '个字节（英文字符）');
  }
  try {
    checkPasswordStrength(password as string, policyOf(strapi));
  } catch (e) {
    if (e instanceof DomainError) throw new errors.ValidationError(e.message, { code: e.code, field: e.field });
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Lockout per (realm, account, client address)

export const accountKey = (account: string) => account.toLowerCase();
export const clientIp = (ctx: any) => String(ctx?.request?.ip ?? '').slice(0, 64);

export async function lockedUntil(strapi: Core.Strapi, realm: Realm, account: string, ip: string, now = Date.now()): Promise<number | null> {
  const row = await strapi.db.connection(LOGIN_GUARD_TABLE).where({ realm, account, ip }).first('locked_until');
  const until = row?.locked_until == null ? null : Number(row.locked_until);
  return until !== null && until > now ? until : null;
}

/**
 * Counts one refused attempt in one statement (no read-modify-write): the first failure after an
 * expired lock starts again at 1; reaching maxFailures sets the lock; a lock is never extended.
 */
export async function recordFailure(strapi: Core.Strapi, realm: Realm, account: string, ip: string, now = Date.now()): Promise<{ failures: number; lockedUntil: number | null }> {
  const { maxFailures, lockMinutes } = policyOf(strapi);
  const lockAt = now + lockMinutes * 60_000;
  const first = maxFailures <= 1 ? lockAt : null;
  const t = LOGIN_GUARD_TABLE;
  const expired = `${t}.locked_until IS NOT NULL AND ${t}.locked_until <= ?`;
  const res: any = await strapi.db.connection.raw(
    `INSERT INTO ${t} (realm, account, ip, failures, locked_until) VALUES (?, ?, ?, 1, CAST(? AS BIGINT))
     ON CONFLICT (realm, account, ip) DO UPDATE SET
       failures = CASE WHEN ${expired} THEN 1 ELSE ${t}.failures + 1 END,
       locked_until = CASE WHEN ${expired} THEN CAST(? AS BIGINT)
                           WHEN ${t}.locked_until IS NULL AND ${t}.failures + 1 >= ? THEN CAST(? AS BIGINT)
                           ELSE ${t}.locked_until END
     RETURNING failures, locked_until`,
    [realm, account, ip, first, now, now, first, maxFailures, lockAt]);
  const row = (Array.isArray(res) ? res : res.rows)[0];
  return { failures: Number(row.failures), lockedUntil: row.locked_until == null ? null : Number(row.locked_until) };
}

export async function clearFailures(strapi: Core.Strapi, realm: Realm, account: string, ip?: string): Promise<void> {
  await strapi.db.connection(LOGIN_GUARD_TABLE).where({ realm, account, ...(ip === undefined ? {} : { ip }) }).del();
}

const SUBJECT: Record<Realm, string> = { admin: 'admin::user', api: 'plugin::users-permissions.user' };
const KIND: Record<Realm, string> = { admin: 'admin', api: 'users-permissions' };

async function auditLogin(strapi: Core.Strapi, realm: Realm, action: string, account: string, ip: string, extra: { id?: number; changes?: Record<string, unknown> } = {}) {
  await writeAudit(strapi, {
    action, subjectType: SUBJECT[realm], subjectId: extra.id === undefined ? undefined : String(extra.id), changes: extra.changes ?? null,
    actor: { id: extra.id, name: account, kind: KIND[realm], ip },
  });
}

/** Refuses an attempt on a locked (account, address); the refusal counts as a failed attempt. */
export async function assertNotLocked(strapi: Core.Strapi, realm: Realm, account: string, ip: string): Promise<void> {
  const now = Date.now();
  const until = await lockedUntil(strapi, realm, account, ip, now);
  if (until === null) return;
  const state = await recordFailure(strapi, realm, account, ip, now);
  await auditLogin(strapi, realm, 'login.locked', account, ip, { changes: { failures: state.failures } });
  throw lockedError(strapi, until, now);
}

export async function onLoginFailure(strapi: Core.Strapi, realm: Realm, account: string, ip: string): Promise<void> {
  const state = await recordFailure(strapi, realm, account, ip);
  await auditLogin(strapi, realm, 'login.failure', account, ip, { changes: { failures: state.failures } });
}

export async function onLoginSuccess(strapi: Core.Strapi, realm: Realm, account: string, ip: string, userId?: number): Promise<void> {
  await clearFailures(strapi, realm, account, ip);
  await auditLogin(strapi, realm, 'login.success', account, ip, { id: userId });
}

// ---------------------------------------------------------------------------------------------
// Password changes

/** Dates a password change and revokes everything issued before it: sessions and admin tokens. */
export async function recordPasswordChange(strapi: Core.Strapi, adminUserId: number, at = new Date()) {
  await strapi.db.connection.raw(
    `INSERT INTO ${PASSWORD_TABLE} (admin_user_id, changed_at) VALUES (?, ?) ON CONFLICT (admin_user_id) DO UPDATE SET changed_at = excluded.changed_at`,
    [adminUserId, at.getTime()]);
  await revokeAdminCredentials(strapi, adminUserId);
}

export async function revokeAdminCredentials(strapi: Core.Strapi, adminUserId: number) {
  const sessions = (strapi as any).sessionManager;
  if (sessions?.hasOrigin?.('admin')) await sessions('admin').invalidateRefreshToken(String(adminUserId));
  const tokens: any = strapi.service('admin::api-token-admin');
  if (typeof tokens?.deleteTokensForUser === 'function') await tokens.deleteTokensForUser(adminUserId);
}

async function isAdminPasswordExpired(strapi: Core.Strapi, user: any, now = new Date()) {
  const row = await strapi.db.connection(PASSWORD_TABLE).where({ admin_user_id: user.id }).first();
  const changedAt = row ? new Date(Number(row.changed_at)) : new Date(user.createdAt ?? user.created_at ?? now);
  return isPasswordExpired(changedAt, now, policyOf(strapi));
}

// ---------------------------------------------------------------------------------------------
// Wiring

/** Mail counts as configured once a provider other than Strapi's default sendmail is set. */
export const mailConfigured = (strapi: Core.Strapi) => {
  const provider = strapi.config.get('plugin::email.provider');
  return typeof provider === 'string' && provider !== '' && provider !== 'sendmail';
};

/** Password reset by mail needs mail: without it, no reset token is made (PolicyError: 403 with its code). */
export function assertMailForReset(strapi: Core.Strapi): void {
  if (!mailConfigured(strapi)) {
    throw new errors.PolicyError('未配置邮件服务，不能通过邮件找回密码，请联系系统管理员重置', { code: 'MAIL_NOT_CONFIGURED' });
  }
}

/** Wraps Strapi's admin services: credential check (login), password reset mail, user writes (passwords). */
function wrapAdminServices(strapi: Core.Strapi) {
  const auth: any = strapi.service('admin::auth');
  // No mail: no reset token either (Strapi stores it before it tries the mail; the controller's
  // refusal is in registerAccountSecurity). Its controller does not await this, so it must not throw.
  const forgotPassword = auth.forgotPassword;
  auth.forgotPassword = async (...args: any[]) => (mailConfigured(strapi) ? forgotPassword(...args) : undefined);
  const checkCredentials = auth.checkCredentials;
  auth.checkCredentials = async ({ email, password }: { email: unknown; password: unknown }) => {
    const ctx: any = strapi.requestContext.get();
    const refuse = (e: Error) => {
      if (ctx) ctx.state[STASH] = e;
      return [null, false, { message: e.message }];
    };
    try {
      assertLoginInput(email, password);
      const account = accountKey(String(email ?? ''));
      const ip = clientIp(ctx);
      await assertNotLocked(strapi, 'admin', account, ip);
      const result = await checkCredentials({ email, password });
      const [error, user] = result;
      if (error || !user) {
        await onLoginFailure(strapi, 'admin', account, ip);
        return result;
      }
      // Expired: refused only now that the password is known to be right (not a failure).
      if (await isAdminPasswordExpired(strapi, user)) {
        await auditLogin(strapi, 'admin', 'login.expired', account, ip, { id: user.id });
        return refuse(expiredError(strapi));
      }
      await onLoginSuccess(strapi, 'admin', account, ip, user.id);
      return result;
    } catch (e) {
      if (e instanceof errors.ApplicationError) return refuse(e);
      throw e;
    }
  };

  const users: any = strapi.service('admin::user');
  const passwordOf = (name: string, args: any[]) => (name === 'updateById' ? args[1] : args[0])?.password;
  for (const name of ['create', 'createFirstAdmin', 'updateById']) {
    const original = users[name];
    users[name] = async (...args: any[]) => {
      const password = passwordOf(name, args);
      if (password != null) assertStrongPassword(strapi, password);
      const out = await original(...args);
      if (name === 'updateById' && password != null && out?.id) await recordPasswordChange(strapi, Number(out.id));
      return out;
    };
  }
}

/** Users & permissions: no open registration (the plugin's advanced setting, forced at every start). */
async function closeRegistration(strapi: Core.Strapi) {
  const store = strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' });
  const advanced: any = (await (store as any).get()) ?? {};
  if (advanced.allow_register !== false) await (store as any).set({ value: { ...advanced, allow_register: false } });
}

/** Users & permissions passwords set through the Document Service (REST, content manager, scripts). */
function registerUpPasswordPolicy(strapi: Core.Strapi) {
  strapi.documents.use(async (ctx: any, next: () => Promise<any>) => {
    const password = ctx.params?.data?.password;
    const applies = ctx.uid === 'plugin::users-permissions.user' && (ctx.action === 'create' || ctx.action === 'update') && password != null && password !== '';
    if (!applies) return next();
    assertStrongPassword(strapi, password);
    const result = await next();
    const sessions = (strapi as any).sessionManager;
    if (ctx.action === 'update' && result?.id && sessions?.hasOrigin?.('users-permissions')) {
      await sessions('users-permissions').invalidateRefreshToken(String(result.id));
    }
    return result;
  });
}

export function registerAccountSecurity(strapi: Core.Strapi): void {
  registerUpPasswordPolicy(strapi);
  // POST /admin/forgot-password answers 403 MAIL_NOT_CONFIGURED without mail, as the integration
  // accounts' route does. Wrapped at register: the routes bind their controllers before bootstrap.
  const authentication: any = strapi.controller('admin::authentication' as any);
  const forgot = authentication.forgotPassword;
  authentication.forgotPassword = async function (this: unknown, ctx: any) {
    assertMailForReset(strapi);
    return forgot.call(this, ctx);
  };
}

export async function bootstrapAccountSecurity(strapi: Core.Strapi): Promise<void> {
  await ensureSecurityTables(strapi);
  wrapAdminServices(strapi);
  await closeRegistration(strapi);
}

// ---------------------------------------------------------------------------------------------
// Middleware

/** Same normalisation as Strapi's rate limiters: POSIX-normalised, lower case, no trailing slash. */
export const normalizePath = (p: string) => path.posix.normalize(p).toLowerCase().replace(/\/+$/, '') || '/';

/** Admin paths on which Strapi accepts a new password (checked early for a stable code). */
const PASSWORD_PATHS: Array<[string, RegExp]> = [
  ['POST', /^\/admin\/users$/],
  ['PUT', /^\/admin\/users\/[^/]+$/],
  ['POST', /^\/admin\/reset-password$/],
  ['POST', /^\/admin\/register(-admin)?$/],
];

function loginRoutes(strapi: Core.Strapi): Record<string, { realm: Realm; field: string }> {
  const api = normalizePath(String(strapi.config.get('api.rest.prefix', '/api')));
  return {
    '/admin/login': { realm: 'admin', field: 'email' },
    [`${api}/auth/local`]: { realm: 'api', field: 'identifier' },
  };
}

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => async (ctx: any, next: () => Promise<void>) => {
  const p = normalizePath(ctx.path);
  const body = ctx.request.body;
  const login = ctx.method === 'POST' ? loginRoutes(strapi)[p] : undefined;
  if (login) {
    // Before Strapi's rate limiter, which would otherwise answer a locked account without a code.
    const account = body?.[login.field];
    assertLoginInput(account, body?.password);
    if (typeof account === 'string' && account) await assertNotLocked(strapi, login.realm, accountKey(account), clientIp(ctx));
  } else if (PASSWORD_PATHS.some(([m, re]) => m === ctx.method && re.test(p)) && body?.password != null) {
    // Before Strapi's own validation, so a weak password gets PASSWORD_WEAK (the service checks again).
    assertStrongPassword(strapi, body.password);
  }
  try {
    await next();
  } catch (e) {
    if (ctx.state[STASH]) throw ctx.state[STASH];
    throw (login && wordedLoginError(e)) || e;
  }
  if (ctx.state[STASH]) throw ctx.state[STASH];
  // Strapi answers some refusals without throwing (ctx.badRequest …).
  const worded = login && ctx.status >= 400 ? wordedLoginError({ ...ctx.body?.error, status: ctx.status }) : undefined;
  if (worded) throw worded;
};

/** What Strapi says of a wrong account or password: admin login, users & permissions login. */
export const STRAPI_CREDENTIAL_FAILURES: ReadonlySet<string> = new Set(['Invalid credentials', 'Invalid identifier or password']);

/**
 * Strapi's own words on the login routes — "Invalid credentials", its rate limiter's "Too many
 * requests" — in Chinese with a code: the login page shows the message as it comes.
 */
function wordedLoginError(e: any): Error | undefined {
  if (e?.details?.code) return undefined;
  if (e?.message === 'Missing credentials') return new errors.ValidationError('请输入账号和密码', { code: 'LOGIN_INPUT_REQUIRED', errors: [] });
  if (STRAPI_CREDENTIAL_FAILURES.has(e?.message)) {
    return new errors.ValidationError('账号或密码错误', { code: 'INVALID_CREDENTIALS', errors: [] });
  }
  if (e?.name === 'RateLimitError' || (e?.status ?? e?.statusCode) === 429) {
    return new errors.RateLimitError('登录尝试过于频繁，请稍后再试', { code: 'RATE_LIMITED' });
  }
  return undefined;
}
