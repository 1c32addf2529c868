import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::school.school', scopedReadController('api::school.school') as any);
