/**
 * global::body-errors — a request body the parser refuses, and a method a path does not have,
 * answer like every other refusal: a Chinese message and a stable code, in Strapi's error shape
 * (the parser's own answers are English — "Unexpected end of JSON input", "request entity too
 * large" — with no code; the router's 405 is plain text). Placed before strapi::body.
 */
import { bodyRefusal } from '../server/http-errors';

export default () => async (ctx: any, next: () => Promise<void>) => {
  try {
    await next();
  } catch (e) {
    const refusal = bodyRefusal(e);
    if (!refusal) throw e;
    ctx.status = refusal.status;
    ctx.body = { data: null, error: refusal };
    return;
  }
  if (ctx.status === 405 && (ctx.body == null || typeof ctx.body === 'string')) {
    ctx.body = { data: null, error: { status: 405, name: 'MethodNotAllowedError', message: `该接口不支持 ${ctx.method} 请求`, details: { code: 'METHOD_NOT_ALLOWED' } } };
  }
};
