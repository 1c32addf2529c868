import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::exam-result.exam-result', scopedReadController('api::exam-result.exam-result') as any);
