/**
 * A province on one PostgreSQL (issue 13): the Content Manager student list for every role, its
 * count, a detail and an update, each side by side with its floor (the bare SQL Strapi issued for
 * it, run with `pg`), in ONE run.
 *
 *   npx tsx scripts/bench/scale.ts --students 1000000 [--seconds 10] [--requests 40]
 *   npx tsx scripts/bench/scale.ts --students 1000000 --seed-only   (seeder rate vs the COPY floor)
 *
 * Seeds N students into a throwaway PostgreSQL (bootOnPostgres), serves Strapi over real HTTP on
 * 127.0.0.1:3100+, logs in through POST /admin/login and sends what the panel sends for the list
 * (`page`, `pageSize` 20, `sort=name:ASC`). Per role, pages 1 and 500 (or the last page when the
 * scope has fewer): p50/p95 over `--requests` sequential requests (one client, after one warm-up),
 * Strapi's CPU per request (process.cpuUsage: the server runs in this process), and requests/s at
 * 10 connections with autocannon (a child process, so it takes no CPU from the server's loop).
 * Floors: the page and count statements captured from knex's `query` event for that very
 * request, timed bare over one `pg` connection. Strapi's own floors, in the same run: `GET /_health`
 * (its middleware stack, no session, no SQL) and `GET /admin/users/me` (session, user and roles);
 * "best possible ratio" = (bare SQL + empty request) / bare SQL, what a list with no cost of its
 * own would score. Writes the table as JSON to .tmp/bench-scale-<N>.json.
 * The machine may be shared: the load average is printed; ratios measured side by side are the
 * robust figures.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { spawn } from 'child_process';
import { arg, pct, root, bootOnPostgres } from './lib';

const STUDENTS = arg('students', 1_000_000);
const SECONDS = arg('seconds', 10);
const REQUESTS = arg('requests', 40);
const SEED_ONLY = process.argv.includes('--seed-only');
const PORT = arg('port', 3100 + (process.pid % 100));
const LIST = '/content-manager/collection-types/api::student.student';
const ROLES = ['school', 'county', 'city', 'province', 'admin'] as const;
const DEEP_PAGE = 500;
const GOAL = { p95: 100, rps: 40, ratio: 2 };

interface Timing { p50: number; p95: number }
const timing = (xs: number[]): Timing => ({ p50: pct(xs, 50), p95: pct(xs, 95) });
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

async function main() {
  console.log(`load average at start: ${load()}`);
  if (SEED_ONLY) return seedOnly();
  const { strapi, stop, base, databaseUrl } = await bootOnPostgres(STUDENTS, { port: PORT });
  const { Client } = require('pg');
  const bare = new Client({ connectionString: databaseUrl });
  await bare.connect();
  const knex = strapi.db.connection;
  try {
    const login = async (email: string) => {
      const r = await fetch(`${base}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'Xueji@2026' }) });
      if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${await r.text()}`);
      return (await r.json()).data.token as string;
    };
    const call = async (token: string, url: string, init: RequestInit = {}) => {
      const r = await fetch(`${base}${url}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`${init.method ?? 'GET'} ${url}: ${r.status} ${text.slice(0, 300)}`);
      return JSON.parse(text);
    };
    /** One warm-up, then `REQUESTS` sequential calls: wall times and Strapi's CPU per call. */
    const measure = async (fn: (i: number) => Promise<unknown>) => {
      await fn(-1);
      const times: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < REQUESTS; i++) {
        const t = performance.now();
        await fn(i);
        times.push(performance.now() - t);
      }
      const cpu = process.cpuUsage(cpu0);
      return { ...timing(times), cpuMs: (cpu.user + cpu.system) / 1000 / REQUESTS };
    };
    /** The SQL knex sends while `fn` runs (bindings in pg's $n form). */
    const capture = async (fn: () => Promise<unknown>) => {
      const seen: Array<{ sql: string; bindings: unknown[] }> = [];
      const on = (q: any) => seen.push({ sql: knex.client.positionBindings(q.sql), bindings: knex.client.prepBindings(q.bindings ?? []) });
      knex.on('query', on);
      try { await fn(); } finally { knex.removeListener('query', on); }
      return seen;
    };
    const bareTiming = async (statements: Array<{ sql: string; bindings: unknown[] }>) => {
      const run = async () => { for (const s of statements) await bare.query(s.sql, s.bindings); };
      await run();
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      return timing(times);
    };
    const autocannon = (token: string, url: string) => new Promise<number>((resolve, reject) => {
      const bin = path.join(root, 'node_modules', '.bin', 'autocannon');
      const child = spawn(bin, ['-c', '10', '-d', String(SECONDS), '-j', '-H', `authorization=Bearer ${token}`, `${base}${url}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (b) => { out += b; });
      child.on('error', reject);
      child.on('close', () => {
        try {
          const r = JSON.parse(out);
          if (r.non2xx || r.errors) return reject(new Error(`autocannon ${url}: ${r.non2xx} non-2xx, ${r.errors} errors`));
          resolve(r.requests.average);
        } catch (e) { reject(e); }
      });
    });

    const rows: any[] = [];
    const others: any[] = [];
    for (const role of ROLES) {
      const token = await login(`${role}@xueji.demo`);
      // The authenticated floor: session, user and roles, no content (GET /admin/users/me).
      const me = await measure(() => call(token, '/admin/users/me'));
      others.push({ role, request: 'GET /admin/users/me (no list)', ...me });
      const first = await call(token, `${LIST}?page=1&pageSize=20&sort=name:ASC`);
      const total: number = first.pagination.total;
      const pageCount: number = first.pagination.pageCount;
      for (const page of [1, Math.min(DEEP_PAGE, pageCount)]) {
        const url = `${LIST}?page=${page}&pageSize=20&sort=name:ASC`;
        const strapiTiming = await measure(() => call(token, url));
        const sql = await capture(() => call(token, url));
        const fromStudents = /from (?:"[^"]+"\.)?"students"/i;
        const count = sql.filter((s) => /^select count\(/i.test(s.sql) && fromStudents.test(s.sql));
        const list = sql.filter((s) => fromStudents.test(s.sql) && /limit/i.test(s.sql) && !/^select count\(/i.test(s.sql));
        // A deep page is a deferred join (src/server/list-speed.ts): its ids, then its rows — both are the page.
        if (count.length !== 1 || list.length < 1) {
          throw new Error(`${role} page ${page}: expected one count and at least one page statement, got ${count.length} and ${list.length} of\n${sql.map((s) => s.sql.slice(0, 200)).join('\n')}`);
        }
        const floor = await bareTiming([...list, ...count]);
        const countFloor = await bareTiming(count);
        // Every statement Strapi sent for the request (session, user, roles, page, count,
        // relations, transaction), timed bare: Strapi's database time, beside its floor.
        const allSql = await bareTiming(sql);
        const rps = await autocannon(token, url);
        rows.push({
          role, rowsVisible: total, page, requestedPage: page === 1 ? 1 : DEEP_PAGE, ...strapiTiming, rps,
          sqlStatements: sql.length, floor, countFloor, allSql, sqlRatio: allSql.p50 / floor.p50, ratio: strapiTiming.p50 / floor.p50,
          countSql: count[0].sql, pageSql: list.map((x) => x.sql).join(';\n'),
        });
        console.log(`${role} page ${page}: ${JSON.stringify(rows[rows.length - 1], (k, v) => (k.endsWith('Sql') ? undefined : typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`);
      }
      // A detail and (for the school registrar) an update of a student in scope.
      const documentId = first.results[0].documentId;
      const detail = await measure(() => call(token, `${LIST}/${documentId}`));
      others.push({ role, request: 'student detail', ...detail });
      if (role === 'school') {
        const original = (await call(token, `${LIST}/${documentId}`)).data.phone;
        const update = await measure((i) => call(token, `${LIST}/${documentId}`, { method: 'PUT', body: JSON.stringify({ phone: i % 2 ? original : '13900000000' }) }));
        await call(token, `${LIST}/${documentId}`, { method: 'PUT', body: JSON.stringify({ phone: original }) });
        others.push({ role, request: 'student update (phone)', ...update });
      }
    }

    // Strapi's own floor, in this run and warm: a request that runs its middleware stack and
    // nothing else (no session, no SQL). No list can take less than this plus its SQL.
    const health = await measure(async () => {
      const r = await fetch(`${base}/_health`);
      await r.arrayBuffer();
      if (r.status !== 204) throw new Error(`/_health: ${r.status}`);
    });
    for (const r of rows) r.bestRatio = (r.floor.p50 + health.p50) / r.floor.p50;

    const f = (x: number) => x.toFixed(1);
    const met = (ok: boolean) => (ok ? 'met' : '**not met**');
    const label: Record<string, string> = { school: 'school@', county: 'county@', city: 'city@', province: 'province@', admin: 'admin@ (super admin)' };
    const lines = [
      `Content Manager student list, page of 20 sorted by name — PostgreSQL, ${STUDENTS.toLocaleString('en')} students, ${REQUESTS} sequential requests, autocannon 10 connections × ${SECONDS} s`,
      '',
      '| request | rows visible | p50 / p95 ms, one client | req/s, 10 conn. | Strapi CPU ms/req | bare SQL page + count p50 / p95 ms | of which count p50 ms | all SQL Strapi sent: statements, p50 ms, ratio | ratio p50 | best possible ratio (SQL + empty request) | p95 ≤ 100 | ≥ 40 req/s | ratio ≤ 2× |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${label[r.role]} page ${r.page}${r.page !== r.requestedPage ? ` (last; ${r.requestedPage} asked)` : ''} | ${r.rowsVisible.toLocaleString('en')} | ${f(r.p50)} / ${f(r.p95)} | ${f(r.rps)} | ${f(r.cpuMs)} | ${f(r.floor.p50)} / ${f(r.floor.p95)} | ${f(r.countFloor.p50)} | ${r.sqlStatements}, ${f(r.allSql.p50)}, ${f(r.sqlRatio)}× | ${f(r.ratio)}× | ${f(r.bestRatio)}× | ${met(r.p95 <= GOAL.p95)} | ${met(r.rps >= GOAL.rps)} | ${met(r.ratio <= GOAL.ratio)} |`),
      '',
      '| request | p50 / p95 ms, one client | Strapi CPU ms/req |',
      '|---|---|---|',
      `| GET /_health: Strapi's empty request (no session, no SQL) | ${f(health.p50)} / ${f(health.p95)} | ${f(health.cpuMs)} |`,
      ...others.map((o) => `| ${label[o.role]} ${o.request} | ${f(o.p50)} / ${f(o.p95)} | ${f(o.cpuMs)} |`),
      '',
      `load average at end: ${load()} (2 cores, shared machine)`,
      `npx tsx scripts/bench/scale.ts --students ${STUDENTS} --seconds ${SECONDS} --requests ${REQUESTS}`,
    ];
    console.log(`\n${lines.join('\n')}`);
    console.log(`\ncount statement (${rows.find((r) => r.role === 'province')?.role}): ${rows.find((r) => r.role === 'province')?.countSql}`);
    const out = path.join(root, '.tmp', `bench-scale-${STUDENTS}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ students: STUDENTS, seconds: SECONDS, requests: REQUESTS, loadAverage: os.loadavg(), health, lists: rows, others }, null, 2));
    console.log(`written ${out}`);
  } finally {
    await bare.end();
    await stop();
  }
}

/**
 * The seeder's rate in students/s (students + 2 family members + their component links + class
 * and school links each) against the COPY floor: a plain `COPY … FROM STDIN` of the same student
 * rows into a copy of the students table with all its indexes.
 */
async function seedOnly() {
  const { startPostgres } = require('../lib/postgres');
  const pg = await startPostgres('xueji_bench_seed');
  Object.assign(process.env, {
    DATABASE_CLIENT: 'postgres', DATABASE_URL: pg.url, NODE_ENV: 'test', XUEJI_CRON: 'false', XUEJI_DEMO_SEED: 'false',
    STRAPI_LOG_LEVEL: 'warn', STRAPI_TELEMETRY_DISABLED: 'true',
  });
  require('../setup.js');
  const { compileStrapi, createStrapi } = require('@strapi/strapi');
  await compileStrapi();
  const strapi = createStrapi({ appDir: root, distDir: path.join(root, 'dist'), autoReload: false, serveAdminPanel: false });
  await strapi.load();
  const { Client } = require('pg');
  const { from, to } = require('pg-copy-streams');
  const c = new Client({ connectionString: pg.url });
  await c.connect();
  try {
    const { seedDemo } = require(path.join(root, 'dist/src/seed/demo-province'));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const phases: string[] = [];
    const summary = await seedDemo(strapi, { students: STUDENTS, seed: 20260901, onPhase: (p: string, sec: number) => phases.push(`${p} ${sec.toFixed(1)} s`) });
    const seedSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const seedRate = summary.students / seedSeconds;

    const chunks: Buffer[] = [];
    const dump = c.query(to('COPY students TO STDOUT'));
    for await (const b of dump) chunks.push(b as Buffer);
    await c.query('CREATE TABLE students_copy_floor (LIKE students INCLUDING ALL)');
    const indexes = (await c.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'students_copy_floor'`)).rows[0].n;
    const t1 = performance.now();
    await c.query('BEGIN');
    await new Promise<void>((resolve, reject) => {
      const sink = c.query(from('COPY students_copy_floor FROM STDIN'));
      sink.on('finish', resolve);
      sink.on('error', reject);
      for (const b of chunks) sink.write(b);
      sink.end();
    });
    await c.query('COMMIT');
    const floorSeconds = (performance.now() - t1) / 1000;
    const floorRate = summary.students / floorSeconds;
    console.log(`\n| ${STUDENTS.toLocaleString('en')} students | s | students/s |`);
    console.log('|---|---|---|');
    console.log(`| seed (students, ${summary.familyMembers.toLocaleString('en')} family members, links; indexes; VACUUM ANALYZE) | ${seedSeconds.toFixed(1)} | ${seedRate.toFixed(0)} |`);
    console.log(`| COPY floor: the same student rows, COPY FROM STDIN into students with its ${indexes} indexes | ${floorSeconds.toFixed(1)} | ${floorRate.toFixed(0)} |`);
    console.log(`\nseed phases (since start): ${phases.join(', ')}`);
    console.log(`seed / floor: ${(seedRate / floorRate).toFixed(2)}×; seeder Node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; 10,000,000 students at this rate: ${(1e7 / seedRate / 60).toFixed(0)} min (extrapolated)`);
    console.log(`load average at end: ${load()} (2 cores, shared machine)`);
    console.log(`npx tsx scripts/bench/scale.ts --students ${STUDENTS} --seed-only`);
  } finally {
    await c.end();
    await strapi.destroy();
    await pg.stop();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
