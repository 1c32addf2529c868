/**
 * Integration accounts (users & permissions) carry a scope like staff accounts: one level and
 * one code. The scoped REST controllers read it; an account without one reads nothing scoped.
 */
export default (plugin: any) => {
  const attrs = plugin.contentTypes.user.schema.attributes;
  attrs.scopeLevel = { type: 'enumeration', enum: ['province', 'city', 'county', 'school'], configurable: false };
  attrs.scopeCode = { type: 'string', maxLength: 10, configurable: false };
  return plugin;
};
