/**
 * The Excel REST contract (admin JWT; README "Excel"): templates, imports as jobs with their
 * error workbook, cancel. Refusals: a Chinese message and a stable code, never a 500.
 */
import fs from 'fs';
import type { Core } from '@strapi/strapi';
import { registerAdminRoutes, type AdminRoute } from '../http-errors';
import { DomainError } from '../../domain/errors';
import { TEMPLATE_KINDS, TEMPLATE_TITLES, type TemplateKind } from '../../domain/excel-columns';
import { templateBuffer } from './workbooks';
import { startJobHousekeeping } from './job-files';
import { streamExport, exportProgress } from './exports';
import { startImport, findJob, cancelJob, listJobs, publicJob, importFail, type Caller } from './imports';

const NAMES: Record<number, string> = { 400: 'ValidationError', 403: 'ForbiddenError', 404: 'NotFoundError', 409: 'ConflictError', 413: 'PayloadTooLargeError' };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const attachment = (ctx: any, name: string) => {
  ctx.set('Content-Type', XLSX);
  ctx.set('Content-Disposition', `attachment; filename="${encodeURIComponent(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`);
  ctx.set('Cache-Control', 'no-store');
};

export function registerExcelRoutes(strapi: Core.Strapi): void {
  startJobHousekeeping(strapi);
  const engine = () => strapi.service('api::change-request.engine') as any;
  const handle = (fn: (ctx: any, caller: Caller) => Promise<{ status?: number; body: any } | void>) => async (ctx: any) => {
    try {
      const caller: Caller = await engine().callerOf(ctx);
      const out = await fn(ctx, caller);
      if (out) { ctx.status = out.status ?? 200; ctx.body = out.body; }
    } catch (e: any) {
      if (!(e instanceof DomainError)) throw e;
      const status = (e as any).status ?? (e.code === 'OUT_OF_SCOPE' ? 403 : 400);
      ctx.status = status;
      ctx.body = { data: null, error: { status, name: NAMES[status] ?? 'ValidationError', message: e.message, details: { ...(e.details ?? {}), code: e.code } } };
    }
  };
  const route = (method: string, path: string, fn: Parameters<typeof handle>[0]): AdminRoute => [method, path, handle(fn)];

  registerAdminRoutes(strapi, [
    route('GET', '/xueji/templates/:kind', async (ctx, caller) => {
      const kind = ctx.params.kind as TemplateKind;
      if (!TEMPLATE_KINDS.includes(kind)) throw importFail('TEMPLATE_KIND_UNKNOWN', `模板“${kind}”不存在，可选：${TEMPLATE_KINDS.join('、')}`, 404);
      const withSchoolCode = (kind === 'students' || kind === 'update') && caller.scope?.level !== 'school';
      attachment(ctx, `${TEMPLATE_TITLES[kind]}模板.xlsx`);
      ctx.status = 200;
      ctx.body = await templateBuffer(kind, { withSchoolCode });
    }),
    route('GET', '/xueji/imports', async (_ctx, caller) => ({ body: { data: await listJobs(strapi, caller) } })),
    route('POST', '/xueji/imports', async (ctx, caller) => {
      let file = ctx.request.files?.file;
      if (Array.isArray(file)) {
        if (file.length !== 1) throw importFail('IMPORT_FILE_REQUIRED', '每次只能上传一个文件');
        file = file[0];
      }
      if (!file?.filepath) throw importFail('IMPORT_FILE_REQUIRED', '请选择要导入的 Excel 文件（表单字段 file）');
      const body = ctx.request.body ?? {};
      const job = await startImport(strapi, caller, file, body.kind, body.dryRun);
      return { status: 202, body: { data: { id: job.id, state: job.state } } };
    }),
    route('GET', '/xueji/imports/:id', async (ctx, caller) => ({ body: { data: publicJob(await findJob(strapi, caller, ctx.params.id)) } })),
    route('GET', '/xueji/imports/:id/errors.xlsx', async (ctx, caller) => {
      const job = await findJob(strapi, caller, ctx.params.id);
      if (!job.errorFile || !fs.existsSync(job.errorFile)) throw importFail('IMPORT_NO_ERROR_FILE', '该导入任务没有错误文件（未发现错误，或任务尚未完成）', 404);
      attachment(ctx, `导入错误_${job.id}.xlsx`);
      ctx.status = 200;
      ctx.body = fs.createReadStream(job.errorFile);
    }),
    route('GET', '/xueji/exports/:kind', async (ctx, caller) => { await streamExport(strapi, ctx, caller, ctx.params.kind); }),
    route('GET', '/xueji/exports/progress/:token', async (ctx, caller) => ({ body: { data: exportProgress(caller, ctx.params.token) } })),
    route('POST', '/xueji/imports/:id/cancel', async (ctx, caller) => ({ body: { data: publicJob(await cancelJob(strapi, caller, ctx.params.id)) } })),
  ]);
}
