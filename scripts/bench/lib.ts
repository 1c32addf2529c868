/** Shared by the benchmarks: arguments, percentiles, and one Strapi on a throwaway PostgreSQL. */
import path from 'path';
import request from 'supertest';

export const root = path.join(__dirname, '..', '..');

export const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/**
 * Starts a throwaway PostgreSQL (or uses DATABASE_URL), loads the demo province with `students`
 * through the bulk seeder, compiles and boots Strapi once with real HTTP (supertest; with
 * `port`, also listening on 127.0.0.1:port for clients in other processes, e.g. autocannon).
 */
export async function bootOnPostgres(students: number, opts: { port?: number } = {}) {
  const { startPostgres } = require('../lib/postgres');
  const pg = await startPostgres('xueji_bench');
  Object.assign(process.env, {
    DATABASE_CLIENT: 'postgres', DATABASE_URL: pg.url, NODE_ENV: 'test', XUEJI_CRON: 'false', XUEJI_ROSTERS_ON_START: 'false',
    XUEJI_DEMO_SEED: 'true', XUEJI_DEMO_STUDENTS: String(students), STRAPI_LOG_LEVEL: 'warn', STRAPI_TELEMETRY_DISABLED: 'true',
  });
  require('../setup.js');
  const { compileStrapi, createStrapi } = require('@strapi/strapi');
  await compileStrapi();
  const t0 = Date.now();
  const strapi = createStrapi({ appDir: root, distDir: path.join(root, 'dist'), autoReload: false, serveAdminPanel: false });
  await strapi.load();
  await strapi.server.mount();
  console.log(`boot + seed of ${students} students: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (opts.port) await new Promise<void>((resolve) => strapi.server.httpServer.listen(opts.port, '127.0.0.1', resolve));
  const http = request(strapi.server.httpServer);
  const stop = async () => { await strapi.destroy(); await pg.stop(); };
  return { strapi, http, stop, base: `http://127.0.0.1:${opts.port}`, databaseUrl: pg.url as string };
}
