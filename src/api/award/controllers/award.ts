import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::award.award', scopedReadController('api::award.award') as any);
