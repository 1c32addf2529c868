import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Admin => ({
  auth: {
    secret: env('ADMIN_JWT_SECRET')!,
  },
  apiToken: {
    salt: env('API_TOKEN_SALT')!,
  },
  transfer: {
    token: {
      salt: env('TRANSFER_TOKEN_SALT')!,
    },
  },
  secrets: {
    encryptionKey: env('ENCRYPTION_KEY')!,
  },
  // No preview: xueji has no front end to preview records on. Switched off (not merely
  // unconfigured), so the edit view shows no 预览 panel pointing at Strapi's docs.
  preview: { enabled: false, config: { handler: () => null } },
  // No surveys, EE promotion or outgoing doc links: nothing may call out.
  flags: {
    nps: false,
    promoteEE: false,
    docLinks: false,
  },
});

export default config;
