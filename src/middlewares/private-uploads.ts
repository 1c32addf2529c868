/**
 * global::private-uploads — uploaded files are private (src/server/media-urls.ts): a request
 * that reaches /uploads in any spelling is served only with a valid, unexpired signature of
 * its canonical path; otherwise 403 MEDIA_SIGNATURE_INVALID. Other public files (rosters)
 * pass untouched.
 */
import type { Core } from '@strapi/strapi';
import { classifyRequestPath, mediaUrlSecret, verifyUploadSignature } from '../server/media-urls';

const refuse = (ctx: any) => {
  ctx.status = 403;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = {
    data: null,
    error: {
      status: 403,
      name: 'ForbiddenError',
      message: '文件链接无效或已过期，请在系统中重新打开该文件',
      details: { code: 'MEDIA_SIGNATURE_INVALID' },
    },
  };
};

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  return async (ctx: any, next: () => Promise<void>) => {
    const { protected: isProtected, canonical } = classifyRequestPath(ctx.path);
    if (!isProtected) return next();
    if (!canonical) return refuse(ctx);
    const params = new URLSearchParams(ctx.querystring ?? '');
    const exps = params.getAll('exp');
    const sigs = params.getAll('sig');
    if (exps.length !== 1 || sigs.length !== 1) return refuse(ctx);
    if (!verifyUploadSignature(mediaUrlSecret(strapi), canonical, exps[0], sigs[0])) return refuse(ctx);
    await next();
    if (ctx.status === 200 || ctx.status === 206) {
      const left = Math.max(0, Number(exps[0]) - Math.floor(Date.now() / 1000));
      ctx.set('Cache-Control', `private, max-age=${left}`);
    }
  };
};
