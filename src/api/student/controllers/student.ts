import { factories } from '@strapi/strapi';
import { scopedReadController } from '../../../server/scoped-controller';

// REST reads for integration accounts, always inside the account's scope.
export default factories.createCoreController('api::student.student', scopedReadController('api::student.student', ['family', 'schoolClass', 'school']) as any);
