import { factories } from '@strapi/strapi';

// Served to each recipient by GET /xueji/notifications (src/server/changes/routes.ts), not over REST.
export default factories.createCoreRouter('api::notification.notification', { only: [] });
