/**
 * global::import-limit — an Excel upload to POST /xueji/imports larger than 100 MB is refused
 * before the body is read: 413 IMPORT_TOO_LARGE with a Chinese message (the body parser's own
 * limit would answer in English after writing the file to disk).
 */
import { MAX_UPLOAD_BYTES } from '../server/excel/imports';

const refuse = (ctx: any) => {
  ctx.status = 413;
  ctx.set('Connection', 'close');
  ctx.body = {
    data: null,
    error: { status: 413, name: 'PayloadTooLargeError', message: '文件超过 100 MB，请拆分后分批导入', details: { code: 'IMPORT_TOO_LARGE' } },
  };
};

export default () => async (ctx: any, next: () => Promise<void>) => {
  if (ctx.method === 'POST' && ctx.path === '/xueji/imports') {
    const length = Number(ctx.get('content-length') || 0);
    // The multipart envelope adds a few hundred bytes to the file itself.
    if (length > MAX_UPLOAD_BYTES + 64 * 1024) return refuse(ctx);
  }
  return next();
};
