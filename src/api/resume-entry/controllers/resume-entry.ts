import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

export default factories.createCoreController('api::resume-entry.resume-entry', scopedReadController('api::resume-entry.resume-entry') as any);
