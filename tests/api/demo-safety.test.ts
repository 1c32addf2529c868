/**
 * Demo safety (issue "Close every way around the region scope…", item 8): the demo logins (a
 * super admin with a published password) exist only in a database seeded as demo, and
 * scripts/seed-demo.ts never empties a database that is not one.
 *
 * The test database is itself a demo database (scripts/test.js boots an empty database with
 * XUEJI_DEMO_SEED=true). Tests that take the mark away or hide a demo login restore both, so the
 * other files keep logging in as the demo accounts.
 */
import fs from 'fs';
import path from 'path';
import { spawnSync } from 'child_process';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { getStrapi } from './harness';
import { loadDemoOnFirstStart, DEMO_SEED } from '../../src/server/demo-start';
import { countRows, readDemoMark, removeDemoMark, writeDemoMark } from '../../src/seed/demo-mark';
import { DEMO_ACCOUNTS } from '../../src/server/demo-accounts';
import type { DemoMark } from '../../src/seed/demo-guard';

const root = path.join(__dirname, '..', '..');
const SCOPE = 'api::staff-scope.staff-scope';
const HIDDEN = 'hidden-school@xueji.invalid';
const SCHOOL = DEMO_ACCOUNTS.find((a) => a.level === 'school')!.email;

let strapi: any;
let mark: DemoMark;

beforeAll(async () => {
  strapi = await getStrapi();
  mark = (await readDemoMark(strapi))!;
});

const userByEmail = (email: string) => strapi.db.query('admin::user').findOne({ where: { email } });

/** Removes an account the hook created (user, scope, password row) — the original is only hidden. */
async function dropUser(id: number) {
  await strapi.db.query(SCOPE).deleteMany({ where: { adminUserId: id } });
  await strapi.db.query('admin::user').delete({ where: { id } });
  const knex = strapi.db.connection;
  if (await knex.schema.hasTable('xueji_password_changes')) await knex('xueji_password_changes').where({ admin_user_id: id }).del();
}

/**
 * Runs `fn` with the school demo login missing as far as the start hook can tell (its e-mail
 * changed, so its id, scope and the tokens other files hold stay valid), and optionally without
 * the demo mark; restores both afterwards, removing whatever the hook created.
 */
async function withSchoolLoginMissing(opts: { unmark?: boolean }, fn: (original: any) => Promise<void>) {
  const original = await userByEmail(SCHOOL);
  expect(original).toBeTruthy();
  await strapi.db.query('admin::user').update({ where: { id: original.id }, data: { email: HIDDEN } });
  if (opts.unmark) await removeDemoMark(strapi);
  try {
    await fn(original);
  } finally {
    const created = await userByEmail(SCHOOL);
    if (created && created.id !== original.id) await dropUser(created.id);
    await strapi.db.query('admin::user').update({ where: { id: original.id }, data: { email: SCHOOL } });
    await writeDemoMark(strapi, mark);
  }
}

describe('demo mark', () => {
  it('the start hook marked the empty test database it seeded: seed, students, when, by whom', async () => {
    expect(mark).toEqual({ seed: DEMO_SEED, students: Number(process.env.XUEJI_DEMO_STUDENTS), at: expect.any(String), by: 'start' });
    expect(DEMO_SEED).toBe(20260901);
    const at = Date.parse(mark.at);
    expect(at).toBeGreaterThan(Date.now() - 3600_000);
    expect(at).toBeLessThanOrEqual(Date.now());
    // One row in Strapi's core store.
    const row = await strapi.db.connection('strapi_core_store_settings').where({ key: 'core_xueji_demo' });
    expect(row).toHaveLength(1);
  });
});

describe('start hook (loadDemoOnFirstStart)', () => {
  it('a restarted demo database re-ensures a missing demo login, and loads nothing', async () => {
    const before = await countRows(strapi);
    await withSchoolLoginMissing({}, async (original) => {
      expect(await loadDemoOnFirstStart(strapi)).toBe('accounts');
      const again = await userByEmail(SCHOOL);
      expect(again).toBeTruthy();
      expect(again.id).not.toBe(original.id);
      const scope = await strapi.db.query(SCOPE).findOne({ where: { adminUserId: again.id } });
      const originalScope = await strapi.db.query(SCOPE).findOne({ where: { adminUserId: original.id } });
      expect(scope).toMatchObject({ level: 'school', code: originalScope.code });
      expect(await countRows(strapi)).toEqual({ ...before, adminUsers: before.adminUsers + 1 });
    });
    expect(await countRows(strapi)).toEqual(before);
  });

  it('a database with data but without the demo mark gets no demo login and no demo data', async () => {
    const before = await countRows(strapi);
    await withSchoolLoginMissing({ unmark: true }, async () => {
      const action = await loadDemoOnFirstStart(strapi);
      expect(await userByEmail(SCHOOL)).toBeNull();
      expect(action).toBe('none');
      expect(await readDemoMark(strapi)).toBeNull(); // not marked behind the user's back either
      expect(await countRows(strapi)).toEqual(before);
    });
    expect((await userByEmail(SCHOOL)).isActive).toBe(true);
    expect(await readDemoMark(strapi)).toEqual(mark);
  });

  it('with XUEJI_DEMO_SEED off, even a demo database gets no demo login', async () => {
    const cfg = strapi.config.get('xueji');
    strapi.config.set('xueji', { ...cfg, demo: { ...cfg.demo, seed: false } });
    try {
      await withSchoolLoginMissing({}, async () => {
        expect(await loadDemoOnFirstStart(strapi)).toBe('none');
        expect(await userByEmail(SCHOOL)).toBeNull();
      });
    } finally {
      strapi.config.set('xueji', cfg);
    }
  });

  it('in production, even a demo database gets no demo login', async () => {
    const env = process.env.NODE_ENV;
    await withSchoolLoginMissing({}, async () => {
      process.env.NODE_ENV = 'production';
      try {
        expect(await loadDemoOnFirstStart(strapi)).toBe('none');
      } finally {
        process.env.NODE_ENV = env;
      }
      expect(await userByEmail(SCHOOL)).toBeNull();
    });
  });
});

// ------------------------------------------------------------------ scripts/seed-demo.ts
// The real script in a child process against a scratch database: on SQLite a copy of the test
// database; on PostgreSQL a new, empty database on the same server (seeded by the script first).
const client = process.env.DATABASE_CLIENT;
const SCRATCH_FILE = path.join('.tmp', 'demo-safety-scratch.db');
const scratchFileAbs = path.join(root, SCRATCH_FILE);
const SCRATCH_DB = `xueji_demo_safety_${process.pid}`;
const scratchUrl = () => { const u = new URL(String(process.env.DATABASE_URL)); u.pathname = `/${SCRATCH_DB}`; return u.toString(); };
const MARK_KEY = 'core_xueji_demo';

function seedScript(...args: string[]) {
  const db = client === 'sqlite' ? { DATABASE_FILENAME: SCRATCH_FILE } : { DATABASE_URL: scratchUrl() };
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/seed-demo.ts', '--no-compile', ...args], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
    env: { ...process.env, ...db, STRAPI_LOG_LEVEL: 'error' },
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** One query on the scratch database (the test's own Strapi is not connected to it). */
async function scratch<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  if (client === 'sqlite') {
    const Database = require('better-sqlite3');
    const db = new Database(scratchFileAbs);
    try {
      const st = db.prepare(sql.replace(/\$\d+/g, '?'));
      return st.reader ? st.all(...params) : (st.run(...params), []);
    } finally { db.close(); }
  }
  const { Client } = require('pg');
  const c = new Client({ connectionString: scratchUrl() });
  await c.connect();
  try { return (await c.query(sql, params)).rows; } finally { await c.end(); }
}

async function scratchCounts() {
  const n = async (t: string) => Number((await scratch(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
  const m = await scratch(`SELECT value FROM strapi_core_store_settings WHERE key = $1`, [MARK_KEY]);
  return { authorities: await n('authorities'), schools: await n('schools'), students: await n('students'), mark: m[0] ? JSON.parse(m[0].value) : null };
}

describe.skipIf(client !== 'sqlite' && !(client === 'postgres' && process.env.DATABASE_URL))('seed-demo.ts guard (child process, scratch database)', () => {
  let demoMarkRow: any;
  const cleanupFile = () => { for (const x of ['', '-wal', '-shm', '-journal']) fs.rmSync(scratchFileAbs + x, { force: true }); };
  beforeAll(async () => {
    if (client === 'sqlite') {
      cleanupFile();
      await strapi.db.connection.raw(`VACUUM INTO '${scratchFileAbs.replace(/'/g, "''")}'`);
    } else {
      await strapi.db.connection.raw(`DROP DATABASE IF EXISTS "${SCRATCH_DB}"`);
      await strapi.db.connection.raw(`CREATE DATABASE "${SCRATCH_DB}"`);
    }
  });
  afterAll(async () => {
    if (client === 'sqlite') cleanupFile();
    else await strapi.db.connection.raw(`DROP DATABASE IF EXISTS "${SCRATCH_DB}"`);
  });

  it.skipIf(client !== 'postgres')('a new, empty database is seeded without asking and marked by the script', async () => {
    const r = seedScript('--students', '40', '--seed', '5');
    expect(r.status, r.out).toBe(0);
    const after = await scratchCounts();
    expect(after).toMatchObject({ authorities: 7, students: 40, mark: { seed: 5, students: 40, by: 'seed-script' } });
  });

  it('--reset --yes on a database without the demo mark: exit 2, nothing deleted', async () => {
    demoMarkRow = (await scratch(`SELECT key, value, type FROM strapi_core_store_settings WHERE key = $1`, [MARK_KEY]))[0];
    expect(demoMarkRow).toBeTruthy();
    await scratch(`DELETE FROM strapi_core_store_settings WHERE key = $1`, [MARK_KEY]);
    const before = await scratchCounts();
    expect(before.students).toBeGreaterThan(0);
    expect(before.mark).toBeNull();
    const r = seedScript('--reset', '--yes', '--students', '10');
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('没有示范数据库标记');
    expect(r.out).toContain('carries no demo mark');
    expect(r.out).toContain(client === 'sqlite' ? scratchFileAbs : `/${SCRATCH_DB}`); // names the database it refused
    expect(await scratchCounts()).toEqual(before);
  });

  it('--reset on a demo database without a terminal and without --yes: exit 2, nothing deleted', async () => {
    await scratch(`INSERT INTO strapi_core_store_settings (key, value, type) VALUES ($1, $2, $3)`, [demoMarkRow.key, demoMarkRow.value, demoMarkRow.type]);
    const before = await scratchCounts();
    expect(before.mark).toEqual(JSON.parse(demoMarkRow.value));
    const r = seedScript('--reset', '--students', '10');
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('confirmation needed');
    expect(await scratchCounts()).toEqual(before);
  });

  it('--reset --yes on a demo database: emptied, seeded again and marked by the script', async () => {
    const r = seedScript('--reset', '--yes', '--students', '30', '--seed', '7');
    expect(r.status, r.out).toBe(0);
    expect(await scratchCounts()).toMatchObject({ authorities: 7, students: 30, mark: { seed: 7, students: 30, by: 'seed-script' } });
  });
});
