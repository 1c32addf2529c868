import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::school-class.school-class', scopedReadController('api::school-class.school-class') as any);
