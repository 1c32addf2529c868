import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::evaluation.evaluation', scopedReadController('api::evaluation.evaluation') as any);
