/**
 * Users & permissions (integration accounts):
 * - they carry a scope like staff accounts: one level and one code. The scoped REST controllers
 *   read it; an account without one reads nothing scoped.
 * - the same account security as the admin panel, on the controller actions (so on every route
 *   that reaches them): lockout per (identifier, client address) on local login, the password
 *   policy wherever a password is set, no open registration, no forgot-password without mail.
 */
import { errors } from '@strapi/utils';
import {
  accountKey, assertLoginInput, assertMailForReset, assertNotLocked, assertStrongPassword, clientIp, onLoginFailure, onLoginSuccess,
  STRAPI_CREDENTIAL_FAILURES,
} from '../../server/account-security';

type Action = (ctx: any, next?: any) => Promise<any>;
type Overrides = (original: Record<string, Action>, strapi: any) => Record<string, Action>;

/** Controllers are either objects or factories of `{ strapi }`: wrap some actions of either. */
const wrapController = (controller: any, overrides: Overrides) => {
  const apply = (c: any, s: any) => ({ ...c, ...overrides(c, s) });
  return typeof controller === 'function'
    ? (deps: any) => apply(controller(deps), deps?.strapi ?? (globalThis as any).strapi)
    : apply(controller, (globalThis as any).strapi);
};

/** A new password in the body (absent or empty: unchanged) must meet the policy. */
const checkingPassword = (strapi: any, action: Action): Action => async (ctx, next) => {
  const password = ctx.request?.body?.password;
  if (password != null && password !== '') assertStrongPassword(strapi, password);
  return action(ctx, next);
};


// Refusals are PolicyErrors (403): Strapi's route authorizer turns any other ForbiddenError thrown
// below it into a bare 403 without details.

/** Strapi's answer for an unknown identifier or a wrong password (the only credential failure). */
const isCredentialFailure = (e: any) => e instanceof errors.ValidationError && STRAPI_CREDENTIAL_FAILURES.has(e.message);

export default (plugin: any) => {
  const attrs = plugin.contentTypes.user.schema.attributes;
  attrs.scopeLevel = { type: 'enumeration', enum: ['province', 'city', 'county', 'school'], configurable: false };
  attrs.scopeCode = { type: 'string', maxLength: 10, configurable: false };

  plugin.controllers.auth = wrapController(plugin.controllers.auth, (c, strapi) => ({
    async callback(ctx, next) {
      if ((ctx.params?.provider || 'local') !== 'local') return c.callback(ctx, next);
      const { identifier, password } = ctx.request.body ?? {};
      assertLoginInput(identifier, password);
      if (typeof identifier !== 'string' || !identifier) return c.callback(ctx, next); // Strapi's validation answers
      const account = accountKey(identifier);
      const ip = clientIp(ctx);
      await assertNotLocked(strapi, 'api', account, ip);
      try {
        await c.callback(ctx, next);
      } catch (e) {
        if (isCredentialFailure(e)) await onLoginFailure(strapi, 'api', account, ip);
        throw e;
      }
      await onLoginSuccess(strapi, 'api', account, ip, ctx.body?.user?.id);
    },

    async register(ctx, next) {
      const advanced = await strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' }).get();
      if (!advanced?.allow_register) {
        throw new errors.PolicyError('不开放自助注册：接口账号由系统管理员创建', { code: 'REGISTRATION_DISABLED' });
      }
      return checkingPassword(strapi, c.register)(ctx, next);
    },

    async forgotPassword(ctx, next) {
      assertMailForReset(strapi);
      return c.forgotPassword(ctx, next);
    },

    resetPassword: checkingPassword(strapi, c.resetPassword),
    changePassword: checkingPassword(strapi, c.changePassword),
  }));

  for (const name of ['user', 'contentmanageruser']) {
    plugin.controllers[name] = wrapController(plugin.controllers[name], (c, strapi) => ({
      create: checkingPassword(strapi, c.create),
      update: checkingPassword(strapi, c.update),
    }));
  }
  return plugin;
};
