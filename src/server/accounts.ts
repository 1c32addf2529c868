/**
 * Staff accounts managed by the level above (A2 §6; F: school passwords are reset by their
 * bureau): a bureau creates and resets the accounts of the schools (and lower bureaus) inside
 * its own region, never elsewhere and never with a role above its own. Admin routes under
 * /xueji/accounts; Strapi's own /admin/users stays with the system administrator.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isInScope, validateScopeCode, type ScopeLevel, SCOPE_LEVEL_LABELS, SCOPE_LEVELS } from '../domain/scope';
import { DomainError } from '../domain/errors';
import { scopeOfAdmin } from './scope';
import { columnsOfScope } from './media-scope';
import { accountKey, assertStrongPassword, clearFailures, recordPasswordChange } from './account-security';
import { writeAudit } from './audit';
import { STAFF_ROLES } from './staff-roles';

const RANK: Record<ScopeLevel, number> = { province: 0, city: 1, county: 2, school: 3 };
const forbid = (message: string) => new errors.PolicyError(message, { code: 'OUT_OF_SCOPE' });
const invalid = (message: string, code: string) => new errors.ValidationError(message, { code });

async function callerScope(strapi: Core.Strapi, ctx: any) {
  const scope = await scopeOfAdmin(strapi, ctx.state.user.id);
  if (!scope || scope.level === 'school') throw forbid('只有教育行政部门账号可以管理下级账号');
  return scope;
}

/** A target scope is manageable when it lies inside the caller's region and below its level. */
async function assertManageable(strapi: Core.Strapi, caller: { level: ScopeLevel; code: string }, target: { level: ScopeLevel; code: string }) {
  if (RANK[target.level] <= RANK[caller.level]) throw forbid(`不能创建或管理${SCOPE_LEVEL_LABELS[target.level]}账号：只能管理下级单位和学校的账号`);
  const columns = await columnsOfScope(strapi, target);
  if (!isInScope(caller, columns as any)) throw forbid('超出管辖范围：只能管理本辖区内单位和学校的账号');
}

const roleCodeOf = (level: ScopeLevel) => STAFF_ROLES.find((r) => r.level === level)!.code;

/** Longest accepted value per text field (the admin user columns are 255 wide). */
const MAX_LENGTH: Record<string, [number, string]> = {
  email: [255, '账号邮箱'], firstname: [100, '姓名'], level: [16, '级别'], code: [16, '单位代码'], password: [512, '密码'],
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The JSON body as a plain object, or 400 BODY_INVALID (arrays, text, numbers, nothing). */
function bodyOf(ctx: any): Record<string, unknown> {
  const body = ctx.request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('请求内容应为 JSON 对象', 'BODY_INVALID');
  return body;
}

/** Text fields: strings only (FIELD_TYPE), bounded (INPUT_TOO_LONG); absent stays undefined. */
function textFields(body: Record<string, unknown>, names: string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of names) {
    const v = body[name];
    if (v === undefined || v === null || v === '') continue;
    const [max, label] = MAX_LENGTH[name];
    if (typeof v !== 'string') throw new errors.ValidationError(`${label}：应为文本`, { code: 'FIELD_TYPE', field: name });
    if (v.length > max) throw new errors.ValidationError(`${label}：最多 ${max} 个字符`, { code: 'INPUT_TOO_LONG', field: name });
    out[name] = v;
  }
  return out;
}

/** Route :id as a positive integer, or 400 ID_INVALID. */
function idOf(ctx: any): number {
  const raw = String(ctx.params.id ?? '');
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1) throw invalid('账号编号应为正整数', 'ID_INVALID');
  return Number(raw);
}

export function registerAccountRoutes(strapi: Core.Strapi): void {
  const withErrors = (fn: (ctx: any) => Promise<void>) => async (ctx: any) => {
    try {
      await fn(ctx);
    } catch (e) {
      if (e instanceof DomainError) throw invalid(e.message, e.code);
      throw e;
    }
  };

  const list = withErrors(async (ctx) => {
    const caller = await callerScope(strapi, ctx);
    const scopes = await strapi.db.query('api::staff-scope.staff-scope').findMany({ orderBy: { code: 'asc' } });
    const out = [];
    for (const s of scopes) {
      if (RANK[s.level as ScopeLevel] <= RANK[caller.level]) continue;
      if (!isInScope(caller, (await columnsOfScope(strapi, s)) as any)) continue;
      const user = await strapi.db.query('admin::user').findOne({ where: { id: s.adminUserId }, select: ['id', 'email', 'firstname', 'isActive', 'blocked'] });
      if (user) out.push({ ...user, level: s.level, code: s.code, label: s.label });
    }
    ctx.body = { data: out };
  });

  const create = withErrors(async (ctx) => {
    const caller = await callerScope(strapi, ctx);
    const fields = textFields(bodyOf(ctx), ['email', 'firstname', 'level', 'code', 'password']);
    const { firstname, code, password } = fields;
    const email = fields.email?.trim().toLowerCase();
    const level = fields.level as ScopeLevel;
    if (!email || !firstname?.trim() || !level || !code || !password) throw invalid('请填写账号邮箱、姓名、级别、单位代码（或学校标识码）和初始密码', 'ACCOUNT_FIELDS_REQUIRED');
    if (!SCOPE_LEVELS.includes(level)) throw invalid(`级别：未知层级“${level}”`, 'SCOPE_LEVEL_UNKNOWN');
    if (!EMAIL.test(email)) throw invalid('账号邮箱：格式不正确', 'EMAIL_INVALID');
    validateScopeCode(level, code);
    await assertManageable(strapi, caller, { level, code });
    assertStrongPassword(strapi, password);
    if (await strapi.db.query('admin::user').findOne({ where: { email } })) throw invalid('该邮箱已被使用', 'ACCOUNT_EXISTS');
    const role = await strapi.db.query('admin::role').findOne({ where: { code: roleCodeOf(level) } });
    const user = await strapi.db.transaction(async () => {
      const u = await (strapi.service('admin::user') as any).create({
        email, firstname: firstname.trim(), lastname: '', password, isActive: true, registrationToken: null,
        roles: [role.id], preferedLanguage: 'zh-Hans',
      });
      await strapi.db.query('api::staff-scope.staff-scope').create({ data: { adminUserId: u.id, level, code, label: `${role.name}·${code}`, publishedAt: new Date() } });
      return u;
    });
    await recordPasswordChange(strapi, user.id);
    await writeAudit(strapi, { action: 'account.create', subjectType: 'admin::user', subjectId: String(user.id), scope: await columnsOfScope(strapi, { level, code }), changes: { email: { before: null, after: user.email }, level: { before: null, after: level }, code: { before: null, after: code } } });
    ctx.status = 201;
    ctx.body = { data: { id: user.id, email: user.email, level, code } };
  });

  const resetPassword = withErrors(async (ctx) => {
    const caller = await callerScope(strapi, ctx);
    const id = idOf(ctx);
    const { password } = textFields(bodyOf(ctx), ['password']);
    const target = await scopeOfAdmin(strapi, id);
    if (!target) throw forbid('超出管辖范围：只能管理本辖区内单位和学校的账号');
    await assertManageable(strapi, caller, target);
    assertStrongPassword(strapi, password ?? '');
    const hash = await (strapi.service('admin::auth') as any).hashPassword(String(password));
    await strapi.db.query('admin::user').update({ where: { id }, data: { password: hash, isActive: true, blocked: false } });
    const user = await strapi.db.query('admin::user').findOne({ where: { id } });
    await clearFailures(strapi, 'admin', accountKey(user.email));
    await recordPasswordChange(strapi, id); // also revokes the account's sessions and admin tokens
    await writeAudit(strapi, { action: 'account.reset-password', subjectType: 'admin::user', subjectId: String(id), scope: await columnsOfScope(strapi, target) });
    ctx.body = { data: { id, email: user.email } };
  });

  const auth = { policies: ['admin::isAuthenticatedAdmin'] };
  strapi.server.routes({
    type: 'admin',
    prefix: '',
    routes: [
      { method: 'GET', path: '/xueji/accounts', handler: list, config: auth },
      { method: 'POST', path: '/xueji/accounts', handler: create, config: auth },
      { method: 'POST', path: '/xueji/accounts/:id/reset-password', handler: resetPassword, config: auth },
    ],
  } as any);
}
