import { winston, formats } from '@strapi/logger';

// STRAPI_LOG_LEVEL=error keeps test runs readable; the default shows every request.
export default {
  transports: [
    new winston.transports.Console({
      level: process.env.STRAPI_LOG_LEVEL || 'http',
      format: formats.prettyPrint({ timestamps: 'YYYY-MM-DD HH:mm:ss.SSS' }),
    }),
  ],
};
