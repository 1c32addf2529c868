/**
 * global::body-errors — a request body the parser refuses, a method or path that does not exist,
 * and a request without a valid login answer like every other refusal: a Chinese message and a
 * stable code, in Strapi's error shape (the parser's own answers are English — "Unexpected end of
 * JSON input", "request entity too large" — with no code; the router's 404 and 405 are plain
 * text; Strapi's 401 says "Missing or invalid credentials"). Placed before strapi::body.
 */
import { bodyRefusal } from '../server/http-errors';

const UNAUTHENTICATED = { status: 401, name: 'UnauthorizedError', message: '未登录或登录已过期，请重新登录', details: { code: 'UNAUTHENTICATED' } };

export default () => async (ctx: any, next: () => Promise<void>) => {
  try {
    await next();
  } catch (e: any) {
    const refusal = bodyRefusal(e) ?? (((e?.status ?? e?.statusCode) === 401 && !e?.details?.code) ? UNAUTHENTICATED : undefined);
    if (!refusal) throw e;
    ctx.status = refusal.status;
    ctx.body = { data: null, error: refusal };
    return;
  }
  const plain = ctx.body == null || typeof ctx.body === 'string';
  const error = (status: number, name: string, message: string, code: string) => {
    ctx.status = status;
    ctx.body = { data: null, error: { status, name, message, details: { code } } };
  };
  if (ctx.status === 405 && plain) error(405, 'MethodNotAllowedError', `该接口不支持 ${ctx.method} 请求`, 'METHOD_NOT_ALLOWED');
  else if (ctx.status === 404 && plain && ctx.method !== 'HEAD') error(404, 'NotFoundError', '没有这个接口或文件', 'NOT_FOUND');
  else if (ctx.status === 401 && !ctx.body?.error?.details?.code) ctx.body = { data: null, error: UNAUTHENTICATED };
};
