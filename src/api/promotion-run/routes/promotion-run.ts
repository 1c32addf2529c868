import { factories } from '@strapi/strapi';

// Province officials use /xueji/promotion (src/server/promotion-http.ts); no generic REST.
export default factories.createCoreRouter('api::promotion-run.promotion-run', { only: [] });
