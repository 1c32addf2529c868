import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::audit-log.audit-log', scopedReadController('api::audit-log.audit-log') as any);
