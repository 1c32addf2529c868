import type { Core } from '@strapi/strapi';

const config: Core.Config.Middlewares = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
  'strapi::poweredBy',
  'strapi::query',
  // Excel uploads over 100 MB refused before the body is read (src/middlewares/import-limit.ts).
  'global::import-limit',
  // The body parser's refusals and the router's 405 in Chinese, with a code (src/middlewares/body-errors.ts).
  'global::body-errors',
  'strapi::body',
  'strapi::session',
  // Lockout, password complexity and expiry, login audit — around Strapi's admin auth routes.
  'global::account-security',
  'strapi::favicon',
  // Uploaded files only through signed URLs (src/server/media-urls.ts); before static serving.
  'global::private-uploads',
  'strapi::public',
];

export default config;
