import { factories } from '@strapi/strapi';

// Read-only over REST; writes go through the admin panel and imports.
export default factories.createCoreRouter('api::student.student', { only: ['find', 'findOne'] });
