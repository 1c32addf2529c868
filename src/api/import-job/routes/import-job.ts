import { factories } from '@strapi/strapi';

// Served by /xueji/imports (src/server/excel/http.ts), not over REST.
export default factories.createCoreRouter('api::import-job.import-job', { only: [] });
