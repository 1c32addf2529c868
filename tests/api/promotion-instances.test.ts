/**
 * Two Strapi instances on one PostgreSQL start the promotion at the same moment (the 1 August
 * cron on two replicas): exactly one runs it (advisory lock + the run row), the students move
 * up once, and undo puts everything back for the files after this one. SQLite has a single
 * writer and one instance per file: PostgreSQL only.
 */
import path from 'path';
import { spawn } from 'child_process';
import readline from 'readline';
import { describe, it, expect } from 'vitest';
import { getStrapi } from './harness';
import { STUDENT } from './change-kit';
import { promotionService, readSchoolYear } from '../../src/server/promotion';

const isPg = process.env.DATABASE_CLIENT === 'postgres';

describe.skipIf(!isPg)('two instances on one PostgreSQL', () => {
  it('start the promotion at the same moment: it runs once', async () => {
    const strapi: any = await getStrapi();
    const grades = async () => new Map((await strapi.db.query(STUDENT).findMany({ select: ['id', 'grade'] })).map((s: any) => [s.id, s.grade]));
    const before = await grades();
    const year = (await readSchoolYear(strapi)).schoolYear + 1;
    const child = spawn(process.execPath, [path.join(__dirname, 'bin', 'promotion-instance.js')], {
      cwd: path.join(__dirname, '..', '..'), env: { ...process.env, STRAPI_LOG_LEVEL: 'error' }, stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const next = async () => String((await lines.next()).value ?? '');
    try {
      expect(await next()).toBe('ready');
      child.stdin!.write(`go ${year}\n`);
      const here = await promotionService(strapi).run({ name: '第一实例', trigger: 'cron' }, { schoolYear: year });
      const there = JSON.parse(await next());
      const statuses = [here.status, there.status].sort();
      expect(statuses.filter((s) => s === 'done')).toHaveLength(1);
      expect(['busy', 'noop']).toContain(statuses.find((s) => s !== 'done'));
      const after = await grades();
      const moved = [...before].filter(([id, g]) => after.get(id) === g + 1).length;
      const twice = [...before].filter(([id, g]) => after.get(id) === g + 2).length;
      expect(moved).toBeGreaterThan(0);
      expect(twice).toBe(0);
    } finally {
      child.kill();
      const run = await strapi.db.query('api::promotion-run.promotion-run').findOne({ where: { schoolYear: year } });
      if (run?.state === 'done') await promotionService(strapi).undo({ name: 'test', trigger: 'manual' }, year);
    }
    expect(await grades()).toEqual(before);
  }, 120_000);
});
