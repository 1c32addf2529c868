import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::promotion-run.promotion-run');
