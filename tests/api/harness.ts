/**
 * Boots the real Strapi once per run (compiled dist/, database from the environment) and
 * gives tests real HTTP through its whole middleware stack (supertest on the HTTP server).
 */
import path from 'path';
import request from 'supertest';
import { createStrapi } from '@strapi/strapi';
import type { Core } from '@strapi/strapi';

const root = path.join(__dirname, '..', '..');
const g = globalThis as any;

export async function getStrapi(): Promise<Core.Strapi> {
  if (!g.__xuejiBoot) {
    g.__xuejiBoot = (async () => {
      const app = createStrapi({ appDir: root, distDir: path.join(root, 'dist'), autoReload: false, serveAdminPanel: false } as any);
      await app.load();
      await app.server.mount();
      g.__xuejiStrapi = app;
      return app;
    })();
  }
  return g.__xuejiBoot;
}

export async function http() {
  const s = await getStrapi();
  return request(s.server.httpServer);
}

const tokens: Record<string, string> = {};

/** Logs in through POST /admin/login; tokens are cached per account. */
export async function adminToken(email: string, password = 'Xueji@2026'): Promise<string> {
  if (tokens[email]) return tokens[email];
  const res = await (await http()).post('/admin/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  tokens[email] = res.body.data.token;
  return tokens[email];
}

export const CM = '/content-manager/collection-types';

/** An authenticated admin-panel request as the given demo account. */
export async function asAdmin(email = 'admin@xueji.demo', password?: string) {
  const token = await adminToken(email, password);
  const agent = await http();
  const withAuth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  return {
    get: (url: string) => withAuth(agent.get(url)),
    post: (url: string, body?: unknown) => withAuth(agent.post(url)).send(body as any),
    put: (url: string, body?: unknown) => withAuth(agent.put(url)).send(body as any),
    del: (url: string) => withAuth(agent.delete(url)),
  };
}
