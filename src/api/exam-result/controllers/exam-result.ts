import { factories } from '@strapi/strapi';

export default factories.createCoreController('api::exam-result.exam-result');
