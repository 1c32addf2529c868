/**
 * Login hardening where credentials are checked (not on a path spelling): lockout per (account,
 * client address), expiry, audit, input bounds, sessions revoked on password changes, users &
 * permissions hardening, and malformed input to the account API.
 *
 * Client addresses: the server does not trust X-Forwarded-For (no `proxy` in config/server.ts), so
 * requests that need a distinct client come from distinct loopback addresses (127.0.0.x) through
 * a local listener on the same Koa app. That also keeps Strapi's per-address rate limiters of one
 * test away from another test's.
 */
import http from 'http';
import type { AddressInfo } from 'net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { getStrapi, http as agent, asAdmin } from './harness';
import { LOGIN_GUARD_TABLE, PASSWORD_TABLE } from '../../src/server/account-security';

const AUDIT = 'api::audit-log.audit-log';
let strapi: any;
let server: http.Server;
let port: number;
let schoolRole: any;
let nextIp = 20;

/** One JSON request from a given loopback address. */
function call(ip: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: url, localAddress: ip,
      headers: { ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: any = text;
        try { parsed = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** A fresh loopback client address for each caller that needs its own. */
const freshIp = () => `127.0.0.${nextIp++}`;

let seq = 0;
/** A fresh, active admin account (school registrar role, no scope needed for logging in). */
async function freshAdmin(prefix: string, password = 'Login#2026a') {
  const email = `${prefix}-${Date.now()}-${seq++}@xueji.demo`;
  const user = await (strapi.service('admin::user') as any).create({ email, firstname: prefix, lastname: '', password, isActive: true, registrationToken: null, roles: [schoolRole.id] });
  return { id: user.id as number, email, password };
}

const guardRow = (realm: string, account: string, ip?: string) =>
  strapi.db.connection(LOGIN_GUARD_TABLE).where({ realm, account, ...(ip ? { ip } : {}) }).first();
const auditCount = (action: string, actorName: string) => strapi.db.query(AUDIT).count({ where: { action, actorName } });

beforeAll(async () => {
  strapi = await getStrapi();
  schoolRole = await strapi.db.query('admin::role').findOne({ where: { code: 'xueji-school' } });
  server = http.createServer(strapi.server.app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

describe('admin login: every path spelling goes through lockout, expiry and audit', () => {
  it.each(['/admin/login', '/admin/Login', '/admin/login/', '/admin/LOGIN/'])('%s', async (path) => {
    const ip = freshIp();
    const a = await freshAdmin('spell');
    for (let i = 0; i < 5; i++) {
      const r = await call(ip, 'POST', path, { email: a.email, password: `Wrong#${i}abc` });
      expect(r.status).toBe(400);
    }
    expect(await auditCount('login.failure', a.email)).toBe(5);
    const row = await guardRow('admin', a.email, ip);
    expect(Number(row.failures)).toBe(5);
    expect(Number(row.locked_until)).toBeGreaterThan(Date.now());

    const locked = await call(ip, 'POST', path, { email: a.email, password: a.password });
    expect(locked.status).toBe(429);
    expect(locked.body.error.details.code).toBe('ACCOUNT_LOCKED');
    expect(locked.body.error.message).toContain('锁定');
    expect(locked.body.error.message).toMatch(/\d+ 分钟/);
    expect(locked.body.data).toBeNull();
    expect(await auditCount('login.locked', a.email)).toBe(1);

    // Expiry: 403 only with the right password; a wrong one stays a plain failure.
    const old = await freshAdmin('expired');
    await strapi.db.connection(PASSWORD_TABLE).insert({ admin_user_id: old.id, changed_at: Date.now() - 91 * 86_400_000 });
    const wrong = await call(ip, 'POST', path, { email: old.email, password: 'Wrong#1abc' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details?.code).not.toBe('PASSWORD_EXPIRED');
    const expired = await call(ip, 'POST', path, { email: old.email, password: old.password });
    expect(expired.status).toBe(403);
    expect(expired.body.error.details.code).toBe('PASSWORD_EXPIRED');
    expect(expired.body.data).toBeNull();

    const ok = await freshAdmin('spell-ok');
    const success = await call(ip, 'POST', path, { email: ok.email, password: ok.password });
    expect(success.status).toBe(200);
    expect(await auditCount('login.success', ok.email)).toBe(1);
  });
});

describe('admin lockout is per account and client address', () => {
  it('a lock from one address does not lock the account from another', async () => {
    const a = await freshAdmin('per-ip');
    const attacker = freshIp();
    for (let i = 0; i < 5; i++) expect((await call(attacker, 'POST', '/admin/login', { email: a.email, password: `Wrong#${i}abc` })).status).toBe(400);
    const blocked = await call(attacker, 'POST', '/admin/login', { email: a.email, password: a.password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.details.code).toBe('ACCOUNT_LOCKED');
    const owner = await call(freshIp(), 'POST', '/admin/login', { email: a.email, password: a.password });
    expect(owner.status).toBe(200);
    expect(owner.body.data.token).toBeTruthy();
  });

  it('the count starts again after a lock expires, and is cleared by a success', async () => {
    const a = await freshAdmin('expiry');
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await call(ip, 'POST', '/admin/login', { email: a.email, password: `Wrong#${i}abc` });
    expect((await call(ip, 'POST', '/admin/login', { email: a.email, password: a.password })).status).toBe(429);
    await strapi.db.connection(LOGIN_GUARD_TABLE).where({ realm: 'admin', account: a.email, ip }).update({ locked_until: Date.now() - 1000 });
    // The lock is made to have run out; by then (15 minutes) Strapi's own 5-minute limiter window
    // would have passed too, so it is off for the rest of this test.
    const before = strapi.config.get('admin.rateLimit');
    strapi.config.set('admin.rateLimit', { enabled: false });
    try {
      const again = await call(ip, 'POST', '/admin/login', { email: a.email, password: 'Wrong#9abc' });
      expect(again.status).toBe(400);
      const row = await guardRow('admin', a.email, ip);
      expect(Number(row.failures)).toBe(1);
      expect(row.locked_until).toBeNull();
      expect((await call(ip, 'POST', '/admin/login', { email: a.email, password: a.password })).status).toBe(200);
      expect(await guardRow('admin', a.email, ip)).toBeUndefined();
    } finally {
      strapi.config.set('admin.rateLimit', before);
    }
  });

  it('12 parallel wrong logins: no 500, exactly 12 failures counted', async () => {
    const a = await freshAdmin('parallel');
    const ip = freshIp();
    // Strapi's own limiter (5 per 5 minutes) would refuse 7 of them before any credential check;
    // this test is about the counter, so the limiter is off for it.
    const before = strapi.config.get('admin.rateLimit');
    strapi.config.set('admin.rateLimit', { enabled: false });
    try {
      const all = await Promise.all(Array.from({ length: 12 }, (_, i) => call(ip, 'POST', '/admin/login', { email: a.email, password: `Wrong#${i}abc` })));
      const statuses = all.map((r) => r.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      for (const r of all) {
        expect([400, 429]).toContain(r.status);
        if (r.status === 429) expect(r.body.error.details.code).toBe('ACCOUNT_LOCKED');
      }
      expect(Number((await guardRow('admin', a.email, ip)).failures)).toBe(12);
      expect((await auditCount('login.failure', a.email)) + (await auditCount('login.locked', a.email))).toBe(12);
    } finally {
      strapi.config.set('admin.rateLimit', before);
    }
  });

  it('the credential check itself refuses a locked account (whatever route reached it)', async () => {
    const a = await freshAdmin('strategy');
    const ip = '10.9.9.9';
    await strapi.db.connection(LOGIN_GUARD_TABLE).insert({ realm: 'admin', account: a.email, ip, failures: 5, locked_until: Date.now() + 600_000 });
    const ctx: any = { request: { ip }, state: {} };
    const [error, user] = await strapi.requestContext.run(ctx, () => (strapi.service('admin::auth') as any).checkCredentials({ email: a.email, password: a.password }));
    expect(error).toBeNull();
    expect(user).toBe(false);
    expect(ctx.state.xuejiAuthError.details.code).toBe('ACCOUNT_LOCKED');
  });
});

describe('login input is bounded before anything is stored', () => {
  it.each([
    ['an 800 KB e-mail', '/admin/login', { email: `${'a'.repeat(800_000)}@xueji.demo`, password: 'Whatever#1' }],
    ['a 256-character e-mail', '/admin/Login/', { email: `${'b'.repeat(245)}@xueji.demo`, password: 'Whatever#1' }],
    ['a 513-character password', '/admin/login', { email: 'long-pw@xueji.demo', password: 'P#1'.repeat(171) }],
    ['a 256-character u&p identifier', '/api/auth/local', { identifier: 'c'.repeat(256), password: 'Whatever#1' }],
  ])('%s → 400 INPUT_TOO_LONG, no guard or audit row', async (_what, path, body) => {
    const guards = Number((await strapi.db.connection(LOGIN_GUARD_TABLE).count({ n: '*' }))[0].n);
    const audits = await strapi.db.query(AUDIT).count();
    const res = await call(freshIp(), 'POST', path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('INPUT_TOO_LONG');
    expect(Number((await strapi.db.connection(LOGIN_GUARD_TABLE).count({ n: '*' }))[0].n)).toBe(guards);
    expect(await strapi.db.query(AUDIT).count()).toBe(audits);
  });
});

describe('a password change revokes every session of the account', () => {
  it('after a bureau reset the old token gets 401', async () => {
    const school = await strapi.db.query('api::school.school').findOne({ where: { countyCode: '340104' }, orderBy: { code: 'asc' } });
    const county = await asAdmin('county@xueji.demo');
    const email = `revoke-${Date.now()}@xueji.demo`;
    const created = await county.post('/xueji/accounts', { email, firstname: '会话', level: 'school', code: school.code, password: 'Start#2026a' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const login = await (await agent()).post('/admin/login').send({ email, password: 'Start#2026a' });
    expect(login.status).toBe(200);
    const token = login.body.data.token;
    expect((await (await agent()).get('/admin/users/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);

    const reset = await county.post(`/xueji/accounts/${created.body.data.id}/reset-password`, { password: 'Reset#2026c' });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect((await (await agent()).get('/admin/users/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    expect((await (await agent()).post('/admin/login').send({ email, password: 'Reset#2026c' })).status).toBe(200);
  });

  it('after PUT /admin/users/:id with a password the old token gets 401', async () => {
    const a = await freshAdmin('put-user');
    const login = await (await agent()).post('/admin/login').send({ email: a.email, password: a.password });
    expect(login.status).toBe(200);
    const token = login.body.data.token;
    const admin = await asAdmin('admin@xueji.demo');
    const upd = await admin.put(`/admin/users/${a.id}`, { password: 'Changed#2026d' });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect((await (await agent()).get('/admin/users/me').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    const row = await strapi.db.connection(PASSWORD_TABLE).where({ admin_user_id: a.id }).first();
    expect(Number(row.changed_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a weak password is refused on PUT /admin/Users/:id/ too (any spelling)', async () => {
    const a = await freshAdmin('weak-put');
    const admin = await asAdmin('admin@xueji.demo');
    const res = await admin.put(`/admin/Users/${a.id}/`, { password: 'abcdefgh' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('PASSWORD_WEAK');
  });
});

describe('users & permissions', () => {
  async function upUser(prefix: string, password = 'Integr#2026x') {
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    const username = `${prefix}-${Date.now()}-${seq++}`;
    const user = await strapi.plugin('users-permissions').service('user').add({ username, email: `${username}@xueji.demo`, password, provider: 'local', confirmed: true, blocked: false, role: role.id });
    return { id: user.id as number, username, password };
  }

  it('open registration is closed', async () => {
    const res = await call(freshIp(), 'POST', '/api/auth/local/register', { username: 'walk-in', email: 'walk-in@xueji.demo', password: 'Walkin#2026a' });
    // Closed twice: the route table denies the route; the controller refuses too (REGISTRATION_DISABLED).
    expect(res.status, JSON.stringify(res.body)).toBe(404);
    expect(res.body.error.details.code, JSON.stringify(res.body)).toBe('ROUTE_DISABLED');
    const advanced = await strapi.store({ type: 'plugin', name: 'users-permissions', key: 'advanced' }).get();
    expect(advanced.allow_register).toBe(false);
    expect(await strapi.db.query('plugin::users-permissions.user').count({ where: { username: 'walk-in' } })).toBe(0);
  });

  it('forgot-password is refused while no mail service is configured', async () => {
    const u = await upUser('forgot');
    const res = await call(freshIp(), 'POST', '/api/auth/forgot-password', { email: `${u.username}@xueji.demo` });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.error.details.code, JSON.stringify(res.body)).toBe('MAIL_NOT_CONFIGURED');
    expect((await strapi.db.query('plugin::users-permissions.user').findOne({ where: { id: u.id } })).resetPasswordToken).toBeFalsy();
  });

  it('Strapi\'s own login refusals are worded in Chinese with a code: a wrong password, then the lock or Strapi\'s rate limiter', async () => {
    const user = await freshAdmin('worded');
    const ip = freshIp();
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await call(ip, 'POST', '/admin/login', { email: user.email, password: 'Wrong#2026x' });
      expect([400, 429], JSON.stringify(res.body)).toContain(res.status);
      expect(res.body.error.details.code, JSON.stringify(res.body)).toMatch(/^(INVALID_CREDENTIALS|ACCOUNT_LOCKED|RATE_LIMITED)$/);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
      seen.push(res.body.error.details.code);
    }
    expect(seen[0]).toBe('INVALID_CREDENTIALS');
    expect(seen[7]).not.toBe('INVALID_CREDENTIALS');
    const u = await upUser('worded');
    const api = await call(freshIp(), 'POST', '/api/auth/local', { identifier: u.username, password: 'Wrong#2026x' });
    expect(api.status, JSON.stringify(api.body)).toBe(400);
    expect(api.body.error).toMatchObject({ message: '账号或密码错误', details: { code: 'INVALID_CREDENTIALS' } });
  });

  it('admin forgot-password is refused while no mail service is configured, for any address, and no reset token is stored', async () => {
    const county = () => strapi.db.query('admin::user').findOne({ where: { email: 'county@xueji.demo' } });
    await strapi.db.query('admin::user').update({ where: { email: 'county@xueji.demo' }, data: { resetPasswordToken: null } });
    for (const email of ['county@xueji.demo', 'nobody@xueji.demo']) {
      const res = await call(freshIp(), 'POST', '/admin/forgot-password', { email });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.error.details.code, JSON.stringify(res.body)).toBe('MAIL_NOT_CONFIGURED');
    }
    // Strapi's controller calls the service without waiting for it: the service stores nothing either.
    await strapi.service('admin::auth').forgotPassword({ email: 'county@xueji.demo' });
    expect((await county()).resetPasswordToken).toBeFalsy();
  });

  it('a weak password is refused on reset-password and in the user service', async () => {
    const u = await upUser('weak');
    await strapi.db.query('plugin::users-permissions.user').update({ where: { id: u.id }, data: { resetPasswordToken: 'weak-code-1' } });
    const res = await call(freshIp(), 'POST', '/api/auth/reset-password', { code: 'weak-code-1', password: 'abcdefgh', passwordConfirmation: 'abcdefgh' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.code).toBe('PASSWORD_WEAK');
    await expect(strapi.plugin('users-permissions').service('user').edit(u.id, { password: 'abcdefgh' })).rejects.toMatchObject({ details: { code: 'PASSWORD_WEAK' } });
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
    await expect(strapi.plugin('users-permissions').service('user').add({ username: `weak-add-${Date.now()}`, email: `weak-add-${Date.now()}@xueji.demo`, password: '12345678', provider: 'local', confirmed: true, role: role.id }))
      .rejects.toMatchObject({ details: { code: 'PASSWORD_WEAK' } });
  });

  it('local login locks per identifier and client address (429 ACCOUNT_LOCKED), with audit', async () => {
    const u = await upUser('up-lock');
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const r = await call(ip, 'POST', '/api/auth/local', { identifier: u.username, password: `Wrong#${i}abc` });
      expect(r.status).toBe(400);
    }
    expect(await auditCount('login.failure', u.username.toLowerCase())).toBe(5);
    const locked = await call(ip, 'POST', '/api/auth/local', { identifier: u.username, password: u.password });
    expect(locked.status).toBe(429);
    expect(locked.body.error.details.code).toBe('ACCOUNT_LOCKED');
    expect(locked.body.error.message).toContain('锁定');
    const other = await call(freshIp(), 'POST', '/api/auth/Local/', { identifier: u.username, password: u.password });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    expect(other.body.jwt).toBeTruthy();
  });
});

describe('/xueji/accounts refuses malformed input with 400 and a code', () => {
  const valid = () => ({ email: `m-${Date.now()}@xueji.demo`, firstname: '格式', level: 'school', code: '2134100006', password: 'Start#2026a' });
  it.each<[string, unknown, string]>([
    ['an array body', [valid()], 'BODY_INVALID'],
    ['a number for the e-mail', { ...valid(), email: 12345 }, 'FIELD_TYPE'],
    ['an object for the code', { ...valid(), code: { $ne: null } }, 'FIELD_TYPE'],
    ['an array for the password', { ...valid(), password: ['Start#2026a'] }, 'FIELD_TYPE'],
    ['an over-long e-mail', { ...valid(), email: `${'x'.repeat(300)}@xueji.demo` }, 'INPUT_TOO_LONG'],
    ['an over-long name', { ...valid(), firstname: '名'.repeat(101) }, 'INPUT_TOO_LONG'],
    ['an unknown level', { ...valid(), level: 'galaxy' }, 'SCOPE_LEVEL_UNKNOWN'],
    ['a prototype key as level', { ...valid(), level: 'constructor' }, 'SCOPE_LEVEL_UNKNOWN'],
    ['a malformed e-mail', { ...valid(), email: 'not-an-email' }, 'EMAIL_INVALID'],
  ])('create: %s', async (_what, body, code) => {
    const county = await asAdmin('county@xueji.demo');
    const before = await strapi.db.query('admin::user').count();
    const res = await county.post('/xueji/accounts', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.code).toBe(code);
    expect(await strapi.db.query('admin::user').count()).toBe(before);
  });

  it.each<[string, string, unknown, string]>([
    ['a non-numeric id', 'abc', { password: 'Reset#2026e' }, 'ID_INVALID'],
    ['a fractional id', '1.5', { password: 'Reset#2026e' }, 'ID_INVALID'],
    ['a huge id', '99999999999999999999', { password: 'Reset#2026e' }, 'ID_INVALID'],
    ['a number as password', '1', { password: 12345678 }, 'FIELD_TYPE'],
    ['an array body', '1', ['Reset#2026e'], 'BODY_INVALID'],
  ])('reset-password: %s', async (_what, id, body, code) => {
    const county = await asAdmin('county@xueji.demo');
    const res = await county.post(`/xueji/accounts/${id}/reset-password`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.code).toBe(code);
  });
});
