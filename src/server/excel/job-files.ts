/**
 * Where import jobs keep their files (the upload while it runs, the error workbook afterwards):
 * a project-owned directory (config xueji.imports.dir, default .tmp/xueji-jobs under the app
 * root; shared storage when several instances serve one database), cleaned after
 * xueji.imports.retentionDays. At start, jobs a stopped process left queued or running are
 * marked failed with IMPORT_INTERRUPTED (their transaction never committed: nothing was written).
 */
import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { xuejiConfig } from '../write-rules';

const JOB_UID = 'api::import-job.import-job';
const DAY = 24 * 60 * 60 * 1000;
/** Jobs running in this process (their files are never cleaned, their rows never recovered). */
export const activeJobs = new Set<number>();

export const INTERRUPTED = { code: 'IMPORT_INTERRUPTED', message: '服务重启，导入任务已中断，未写入任何数据；请重新上传' };

const settings = (strapi: Core.Strapi) => {
  const c = (xuejiConfig(strapi) as any)?.imports ?? {};
  const root = (strapi as any).dirs?.app?.root ?? process.cwd();
  return { dir: path.resolve(root, c.dir || path.join('.tmp', 'xueji-jobs')), retentionDays: Number(c.retentionDays ?? 7) };
};

export function jobFilesDir(strapi: Core.Strapi): string {
  const { dir } = settings(strapi);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Deletes job files older than the retention period; forgets the error workbooks it deleted. */
export async function cleanJobFiles(strapi: Core.Strapi, now = Date.now()): Promise<string[]> {
  const { retentionDays } = settings(strapi);
  const dir = jobFilesDir(strapi);
  const removed: string[] = [];
  for (const name of await fs.promises.readdir(dir)) {
    const jobId = Number(/^(\d+)-/.exec(name)?.[1]);
    if (activeJobs.has(jobId)) continue;
    const file = path.join(dir, name);
    const stat = await fs.promises.stat(file).catch(() => null);
    if (!stat?.isFile() || now - stat.mtimeMs < retentionDays * DAY) continue;
    await fs.promises.rm(file, { force: true });
    removed.push(file);
  }
  if (removed.length) await strapi.db.query(JOB_UID).updateMany({ where: { errorFile: { $in: removed } }, data: { errorFile: null } });
  return removed;
}

/** Jobs left queued or running by a stopped process → failed, IMPORT_INTERRUPTED. */
export async function recoverJobs(strapi: Core.Strapi): Promise<number> {
  const q = strapi.db.query(JOB_UID);
  const stale = await q.findMany({ where: { state: { $in: ['queued', 'running'] } }, select: ['id'] });
  const ids = stale.map((j: any) => j.id).filter((id: number) => !activeJobs.has(id));
  if (!ids.length) return 0;
  const { count } = await q.updateMany({
    where: { id: { $in: ids }, state: { $in: ['queued', 'running'] } },
    data: { state: 'failed', rowsWritten: 0, errorCount: 1, message: INTERRUPTED.message, finishedAt: new Date(), errors: [{ row: 0, column: 0, ...INTERRUPTED }] },
  });
  return count;
}

let timer: NodeJS.Timeout | undefined;
/** At bootstrap: recover, clean, and clean again every six hours. */
export function startJobHousekeeping(strapi: Core.Strapi): void {
  const run = () => cleanJobFiles(strapi).catch((e) => strapi.log.warn(`[xueji] import files cleanup: ${e?.message ?? e}`));
  recoverJobs(strapi)
    .then((n) => { if (n) strapi.log.warn(`[xueji] ${n} import job(s) interrupted by the restart marked failed`); })
    .catch((e) => strapi.log.error(`[xueji] import job recovery: ${e?.stack ?? e}`))
    .then(run);
  if (timer) clearInterval(timer);
  timer = setInterval(run, 6 * 60 * 60 * 1000);
  timer.unref?.();
}
