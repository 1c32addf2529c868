import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::punishment.punishment', scopedReadController('api::punishment.punishment') as any);
