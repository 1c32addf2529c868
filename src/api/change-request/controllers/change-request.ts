import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::change-request.change-request', scopedReadController('api::change-request.change-request') as any);
