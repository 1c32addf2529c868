/**
 * 公示 on PostgreSQL, in one run: publication of the whole province (time and peak RSS; issue
 * goal ≤ 300 MB) and a roster pull under 50 concurrent clients (p50/p95/p99), unconditional and
 * with If-None-Match (304).
 *
 *   npx tsx scripts/bench/rosters.ts [--students 100000] [--seconds 15] [--clients 50]
 *
 * Starts a throwaway PostgreSQL (or uses DATABASE_URL); a first child process loads the demo
 * province with `students` and exits; a second, fresh Strapi process publishes every school —
 * the work runs in the publication's worker process (src/server/rosters-worker.ts): its own
 * peak RSS, the server's, and the whole tree's (both sampled together every 20 ms) are
 * reported — and then serves the pulls (50 plain-fetch loops in that same process, sharing its CPU).
 */
import fs from 'fs';
import path from 'path';
import { spawnSync } from 'child_process';
import type { AddressInfo } from 'net';
import { arg, pct, root } from './lib';

const STUDENTS = arg('students', 100_000);
const SECONDS = arg('seconds', 15);
const CLIENTS = arg('clients', 50);
const phase = process.argv.includes('--phase') ? process.argv[process.argv.indexOf('--phase') + 1] : 'main';
const mb = (x: number) => (x / 1024 / 1024).toFixed(0);

async function boot() {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = createStrapi({ appDir: root, distDir: path.join(root, 'dist'), autoReload: false, serveAdminPanel: false });
  await strapi.load();
  await strapi.server.mount();
  return strapi;
}

async function main() {
  if (phase === 'seed') {
    const t = Date.now();
    const strapi = await boot();
    console.log(`seed of ${STUDENTS} students: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await strapi.destroy();
    return;
  }
  if (phase === 'publish') return publishAndPull();
  const { startPostgres } = require('../lib/postgres');
  const pg = await startPostgres('xueji_bench_rosters');
  const env = {
    ...process.env, DATABASE_CLIENT: 'postgres', DATABASE_URL: pg.url, NODE_ENV: 'test', XUEJI_CRON: 'false', XUEJI_ROSTERS_ON_START: 'false',
    XUEJI_DEMO_SEED: 'true', XUEJI_DEMO_STUDENTS: String(STUDENTS), STRAPI_LOG_LEVEL: 'warn', STRAPI_TELEMETRY_DISABLED: 'true',
  };
  try {
    require('../setup.js');
    await require('@strapi/strapi').compileStrapi();
    for (const p of ['seed', 'publish']) {
      const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--phase', p, ...process.argv.slice(2)], { stdio: 'inherit', env, cwd: root });
      if (r.status !== 0) throw new Error(`phase ${p} failed`);
    }
  } finally {
    await pg.stop();
  }
}

async function publishAndPull() {
  const strapi = await boot();
  const { publishRosters } = require(path.join(root, 'dist/src/server/rosters'));
  const before = process.memoryUsage().rss;
  // The whole process tree: this Strapi process plus the publication's worker process, sampled together.
  let worker = 0;
  const rssOf = (pid: number) => { try { return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024; } catch { return 0; } };
  let peak = before, peakTree = before, peakWorker = 0;
  const sample = () => {
    const own = process.memoryUsage().rss, w = worker ? rssOf(worker) : 0;
    peak = Math.max(peak, own); peakWorker = Math.max(peakWorker, w); peakTree = Math.max(peakTree, own + w);
  };
  const timer = setInterval(sample, 20);
  const t = Date.now();
  const report = await publishRosters(strapi, { scope: null, trigger: 'manual', actorName: 'bench', onWorker: (pid: number) => { worker = pid; } });
  const ms = Date.now() - t;
  clearInterval(timer);
  sample();
  const workerMax = report.workerMaxRssBytes ?? 0;
  console.log(`publication: ${report.published} schools, ${report.students} students in ${(ms / 1000).toFixed(1)} s`);
  console.log(`  publication worker process: peak RSS ${mb(workerMax)} MB (its own maxRSS; sampled ${mb(peakWorker)} MB) — goal ≤ 300 MB`);
  console.log(`  Strapi server process: RSS before ${mb(before)} MB, peak during ${mb(peak)} MB (+${mb(peak - before)} MB)`);
  console.log(`  whole process tree (server + worker, sampled together every 20 ms): peak ${mb(peakTree)} MB`);

  const server = strapi.server.httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const code = report.schools[Math.floor(report.schools.length / 2)];
  const url = `http://127.0.0.1:${port}/api/public/rosters/${code}`;
  const first = await fetch(url);
  const body = await first.text();
  const etag = first.headers.get('etag')!;
  for (const [label, headers] of [['full roster (200)', {}], ['If-None-Match (304)', { 'if-none-match': etag }]] as const) {
    const r = await pull(url, headers, CLIENTS, SECONDS);
    console.log(`${label}: ${CLIENTS} concurrent clients, ${r.n} requests in ${SECONDS} s (${(r.n / SECONDS).toFixed(0)}/s), statuses ${JSON.stringify(r.statuses)}, p50 ${pct(r.ms, 50).toFixed(1)} ms, p95 ${pct(r.ms, 95).toFixed(1)} ms, p99 ${pct(r.ms, 99).toFixed(1)} ms (roster ${(body.length / 1024).toFixed(0)} KB)`);
  }
  await new Promise((resolve) => server.close(resolve));
  await strapi.destroy();
}

/** CLIENTS loops of plain fetch for `seconds` (client and server share this process and its CPU). */
async function pull(url: string, headers: Record<string, string>, clients: number, seconds: number) {
  const ms: number[] = [];
  const statuses: Record<number, number> = {};
  const end = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (Date.now() < end) {
      const t = performance.now();
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      ms.push(performance.now() - t);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }));
  return { ms, statuses, n: ms.length };
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
