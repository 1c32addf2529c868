import { factories } from '@strapi/strapi';

// Websites read /api/public/rosters (public-roster.ts, beside this file); no generic REST.
export default factories.createCoreRouter('api::roster-publication.roster-publication', { only: [] });
