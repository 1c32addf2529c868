import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::resume-entry.resume-entry');
