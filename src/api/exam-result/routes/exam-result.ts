import { factories } from '@strapi/strapi';

// Read-only over REST, inside the caller's scope; writes go through the admin panel, imports and the change engine.
export default factories.createCoreRouter('api::exam-result.exam-result', { only: ['find', 'findOne'] });
