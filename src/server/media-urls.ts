/**
 * Private media: uploaded files (student photos, proofs) are served only through short-lived
 * signed URLs. The upload provider is made private, so Strapi signs file URLs in the media
 * library and in Document Service results (Content Manager); the global middleware
 * src/middlewares/private-uploads.ts checks the signature before /uploads/* is served.
 *
 * URL: /uploads/<name>?exp=<epoch seconds>&sig=<base64url HMAC-SHA256(secret, "<path>\n<exp>")>
 * Config (config/plugins.ts, upload.config.signedUrls): expiresIn seconds (MEDIA_URL_TTL,
 * default 900) and secret (MEDIA_URL_SECRET; default derived from the app keys).
 */
import crypto from 'crypto';
import path from 'path';
import type { Core } from '@strapi/strapi';

export const UPLOADS_PREFIX = '/uploads/';
const DEFAULT_TTL = 900;
/** exp is rounded up to this step so a URL stays stable (browser-cacheable) for a while. */
const EXP_STEP = 60;

interface SignedUrlConfig { expiresIn?: number; secret?: string }

let cachedSecret: { strapi: Core.Strapi; key: Buffer } | null = null;

function config(strapi: Core.Strapi): SignedUrlConfig {
  return (strapi.config.get('plugin::upload.signedUrls') as SignedUrlConfig | undefined) ?? {};
}

export function mediaUrlTtl(strapi: Core.Strapi): number {
  const ttl = Number(config(strapi).expiresIn);
  return Number.isFinite(ttl) && ttl > 0 ? Math.floor(ttl) : DEFAULT_TTL;
}

/** The HMAC key: MEDIA_URL_SECRET if set, else derived from the app keys (never used directly). */
export function mediaUrlSecret(strapi: Core.Strapi): Buffer {
  if (cachedSecret?.strapi === strapi) return cachedSecret.key;
  const explicit = config(strapi).secret;
  const appKeys = (strapi.config.get('server.app.keys') as string[] | undefined) ?? [];
  let material = explicit || appKeys.join('|');
  if (!material) {
    strapi.log.warn('[xueji] no MEDIA_URL_SECRET nor APP_KEYS: signed media URLs last until restart');
    material = crypto.randomBytes(32).toString('hex');
  }
  const key = crypto.createHmac('sha256', material).update('xueji:media-url:v1').digest();
  cachedSecret = { strapi, key };
  return key;
}

const hmac = (key: Buffer, filePath: string, exp: number) =>
  crypto.createHmac('sha256', key).update(`${filePath}\n${exp}`).digest('base64url');

/** The path of a stored file URL: "/uploads/<hash><ext>", without any query. */
export function uploadPathOf(file: { url?: string | null; hash?: string; ext?: string }): string {
  const fromUrl = (file.url ?? '').split('?')[0];
  if (fromUrl.startsWith(UPLOADS_PREFIX)) return fromUrl;
  return `${UPLOADS_PREFIX}${file.hash}${file.ext ?? ''}`;
}

export function signUploadPath(key: Buffer, filePath: string, ttl: number, now = Date.now()): string {
  const exp = Math.ceil((Math.floor(now / 1000) + ttl) / EXP_STEP) * EXP_STEP;
  return `${filePath}?exp=${exp}&sig=${hmac(key, filePath, exp)}`;
}

/** True if exp/sig are a valid, unexpired signature of this (decoded, canonical) path. */
export function verifyUploadSignature(key: Buffer, filePath: string, exp: string | null, sig: string | null, now = Date.now()): boolean {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return false;
  const expNum = Number(exp);
  if (expNum * 1000 <= now) return false;
  const expected = Buffer.from(hmac(key, filePath, expNum));
  const given = Buffer.from(sig);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/**
 * Where a request path points, as every static server would read it (any number of
 * percent-decodings, backslashes, dot segments, double slashes, any case).
 * `protected`: it reaches /uploads. `canonical`: the one spelling that is served,
 * "/uploads/<name>" with a single plain segment (percent-escapes allowed only for
 * ordinary characters); anything else under /uploads is refused.
 */
export function classifyRequestPath(rawPath: string): { protected: boolean; canonical: string | null } {
  let decoded = rawPath;
  let broken = false;
  for (let i = 0; i < 4 && decoded.includes('%'); i++) {
    try { decoded = decodeURIComponent(decoded); } catch { broken = true; break; }
  }
  const normalized = path.posix.normalize(decoded.replace(/\\/g, '/')).toLowerCase();
  const isProtected = normalized === '/uploads' || normalized.startsWith('/uploads/')
    || rawPath.toLowerCase().startsWith('/uploads') || (broken && rawPath.toLowerCase().includes('uploads'));
  if (!isProtected) return { protected: false, canonical: null };
  if (!rawPath.startsWith(UPLOADS_PREFIX)) return { protected: true, canonical: null };
  let name: string;
  try { name = decodeURIComponent(rawPath.slice(UPLOADS_PREFIX.length)); } catch { return { protected: true, canonical: null }; }
  const plain = name.length > 0 && !/[/\\%\0-\x1f]/.test(name) && !name.startsWith('.');
  return { protected: true, canonical: plain ? `${UPLOADS_PREFIX}${name}` : null };
}

/**
 * Makes the configured upload provider private: isPrivate() is true, so Strapi signs every
 * file URL it returns (media library, Document Service); getSignedUrl() signs the local path.
 * Must run in register (before the upload plugin's bootstrap reads isPrivate()).
 */
export function registerPrivateMedia(strapi: Core.Strapi): void {
  // A cloud provider signs its own URLs; this signing fits the local /uploads files only.
  if (String(strapi.config.get('plugin::upload.provider', 'local')).toLowerCase() !== 'local') {
    strapi.log.warn('[xueji] upload provider is not "local": configure its own private mode for media');
    return;
  }
  const provider: any = strapi.plugin('upload').provider;
  provider.extend({
    isPrivate: () => true,
    getSignedUrl: async (file: any) => ({ url: signUploadPath(mediaUrlSecret(strapi), uploadPathOf(file), mediaUrlTtl(strapi)) }),
  });
}
