import type { Core } from '@strapi/strapi';

const allowedMediaTypes = [
  'image/*',
  'video/*',
  'audio/*',
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.*',
  'text/plain',
  'text/csv',
];

const deniedTypes = [
  'image/svg+xml',
  'application/vnd.microsoft.portable-executable',
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-executable',
  'application/x-dosexec',
  'application/x-sh',
  'text/x-shellscript',
  'application/x-mach-binary',
];

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  // 学籍变动 views: 审批工作台, 我的申请 / 新生注册, the student page's side panel, printable reports.
  approvals: { enabled: true, resolve: './src/plugins/approvals' },
  // 学年升级 admin page (src/plugins/xueji-promotion; its API is the application's /xueji/promotion).
  'xueji-promotion': { enabled: true, resolve: './src/plugins/xueji-promotion' },
  // 导入导出 admin page (src/plugins/xueji-excel; its API is the application's /xueji/imports, /xueji/exports).
  'xueji-excel': { enabled: true, resolve: './src/plugins/xueji-excel' },
  'users-permissions': {
    config: {
      jwtManagement: 'refresh',
      sessions: {
        httpOnly: true,
      },
    },
  },
  upload: {
    config: {
      security: {
        allowedTypes: allowedMediaTypes,
        deniedTypes,
      },
      // Private media (src/server/media-urls.ts): signed /uploads URLs valid for expiresIn
      // seconds; the HMAC secret defaults to one derived from APP_KEYS.
      signedUrls: {
        expiresIn: env.int('MEDIA_URL_TTL', 900),
        secret: env('MEDIA_URL_SECRET', ''),
      },
    },
  },
});

export default config;
