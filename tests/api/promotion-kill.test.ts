/**
 * A process killed in the middle of the promotion leaves nothing changed. A second Strapi
 * process (tests/api/bin/promotion-instance.js) on the same database starts the promotion; the
 * test-only pause (XUEJI_PROMOTION_PAUSE_FILE) holds its transaction open right after the first
 * UPDATE (every class of a promoting grade moved) and the test SIGKILLs it there. The database
 * rolls the transaction back (PostgreSQL: the backend sees the dropped connection; SQLite: the
 * uncommitted WAL frames are never read and the dead process's locks go with it): every grade,
 * class, the school year and the promotion-run rows are as before, and the next run promotes
 * exactly once. Undo then puts the province back for the files after this one.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { spawn, type ChildProcess } from 'child_process';
import readline from 'readline';
import { describe, it, expect } from 'vitest';
import { getStrapi } from './harness';
import { STUDENT, CLASS } from './change-kit';
import { promotionService, readSchoolYear, RUN_UID } from '../../src/server/promotion';

const exited = (child: ChildProcess) => new Promise<NodeJS.Signals | number | null>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
  else child.once('exit', (code, signal) => resolve(signal ?? code));
});

async function waitForFile(file: string, child: ChildProcess, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!fs.existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`the second instance exited (${child.exitCode}) before pausing`);
    if (Date.now() > end) throw new Error('the second instance never reached the pause');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('学年升级: SIGKILL in the middle of the transaction', () => {
  it('leaves every grade, class, the school year and the run rows unchanged; the next run promotes once', async () => {
    const strapi: any = await getStrapi();
    const q = (uid: string) => strapi.db.query(uid);
    const students = async () => new Map<number, string>((await q(STUDENT).findMany({ select: ['id', 'grade', 'promotedYear'] })).map((s: any) => [s.id, `${s.grade}|${s.promotedYear ?? ''}`]));
    const classes = async () => new Map<number, string>((await q(CLASS).findMany({ select: ['id', 'grade', 'name', 'promotedYear'] })).map((c: any) => [c.id, `${c.grade}|${c.name}|${c.promotedYear ?? ''}`]));
    const runs = async () => (await q(RUN_UID).findMany({ orderBy: { id: 'asc' } })).map((r: any) => ({ id: r.id, schoolYear: r.schoolYear, state: r.state, updatedAt: String(r.updatedAt) }));
    const audits = () => q('api::audit-log.audit-log').count({ where: { action: 'promotion.run' } });

    const studentsBefore = await students();
    const classesBefore = await classes();
    const runsBefore = await runs();
    const auditsBefore = await audits();
    const year0 = (await readSchoolYear(strapi)).schoolYear;
    const target = year0 + 1;

    const pause = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xueji-kill-')), 'paused');
    const child = spawn(process.execPath, [path.join(__dirname, 'bin', 'promotion-instance.js')], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, STRAPI_LOG_LEVEL: 'error', XUEJI_PROMOTION_PAUSE_FILE: pause, XUEJI_ROSTERS_ON_START: 'false' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    try {
      expect(String((await lines.next()).value)).toBe('ready');
      child.stdin!.write(`go ${target}\n`);
      await waitForFile(pause, child, 60_000);
      // The child is inside its transaction with the classes moved: kill it there.
      expect(Number(fs.readFileSync(pause, 'utf8'))).toBe(child.pid);
      child.kill('SIGKILL');
      expect(await exited(child)).toBe('SIGKILL');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }

    expect(await classes()).toEqual(classesBefore);
    expect(await students()).toEqual(studentsBefore);
    expect(await runs()).toEqual(runsBefore);
    expect(await audits()).toBe(auditsBefore);
    expect((await readSchoolYear(strapi)).schoolYear).toBe(year0);

    // The lock and the rows the dead transaction held are free: the next run promotes exactly once.
    const svc = promotionService(strapi);
    const out = await svc.run({ name: '重新执行', trigger: 'manual' }, { schoolYear: target, ignoreBlockers: true });
    expect(out.status).toBe('done');
    expect((await svc.run({ name: '重新执行', trigger: 'manual' }, { schoolYear: target, ignoreBlockers: true })).status).toBe('noop');
    try {
      const after = await students();
      const grade = (v: string | undefined) => Number(String(v).split('|')[0]);
      const moved = [...studentsBefore].filter(([id, v]) => grade(after.get(id)) === grade(v) + 1).length;
      const twice = [...studentsBefore].filter(([id, v]) => grade(after.get(id)) > grade(v) + 1).length;
      expect(moved).toBe((out as any).run.report.moved.students);
      expect(moved).toBeGreaterThan(0);
      expect(twice).toBe(0);
      expect((await readSchoolYear(strapi)).schoolYear).toBe(target);
      expect(await audits()).toBe(auditsBefore + 1);
    } finally {
      await svc.undo({ name: 'test', trigger: 'manual' }, target);
    }
    expect(await students()).toEqual(studentsBefore);
    expect((await readSchoolYear(strapi)).schoolYear).toBe(year0);
  }, 180_000);
});
