import type { Core } from '@strapi/strapi';

// Behind a reverse proxy; PUBLIC_URL is the address users type.
const config = ({ env }: Core.Config.Shared.ConfigParams): Partial<Core.Config.Server> => ({
  url: env('PUBLIC_URL', ''),
  proxy: { koa: env.bool('PROXY', true) },
});

export default config;
