import { factories } from '@strapi/strapi';

// Not exposed over REST: read in the admin panel only.
export default factories.createCoreRouter('api::audit-log.audit-log', { only: [] });
