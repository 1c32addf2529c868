/**
 * Photos and proofs belong to a student and are scoped with it: every uploaded file carries
 * the scope columns of the account that uploaded it (set in src/server/media-scope.ts), and the
 * media library's read/update permissions of staff roles carry the scope condition.
 */
import { SCOPE_COLUMNS } from '../../domain/scope';

export default (plugin: any) => {
  const attrs = plugin.contentTypes.file.schema.attributes;
  for (const key of SCOPE_COLUMNS) {
    attrs[key] = { type: 'string', maxLength: 10, configurable: false };
  }
  return plugin;
};
