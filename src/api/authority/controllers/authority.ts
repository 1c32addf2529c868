import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::authority.authority', scopedReadController('api::authority.authority') as any);
