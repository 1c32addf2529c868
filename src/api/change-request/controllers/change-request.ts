import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::change-request.change-request');
