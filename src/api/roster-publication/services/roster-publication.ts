import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::roster-publication.roster-publication');
