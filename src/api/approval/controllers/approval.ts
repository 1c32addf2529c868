import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::approval.approval', scopedReadController('api::approval.approval') as any);
