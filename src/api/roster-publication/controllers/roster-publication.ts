import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::roster-publication.roster-publication');
