import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::resume-entry.resume-entry');
