import { factories } from '@strapi/strapi';

// Account-to-scope mapping: internal, never served over REST.
export default factories.createCoreRouter('api::staff-scope.staff-scope', { only: [] });
