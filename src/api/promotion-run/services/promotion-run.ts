import { factories } from '@strapi/strapi';

export default factories.createCoreService('api::promotion-run.promotion-run');
