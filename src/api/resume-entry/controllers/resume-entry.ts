import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::resume-entry.resume-entry');
