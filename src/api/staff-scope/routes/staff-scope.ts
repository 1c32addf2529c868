import { factories } from '@strapi/strapi';

export default factories.createCoreRouter('api::staff-scope.staff-scope');
