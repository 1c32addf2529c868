import { mergeConfig, type Plugin, type UserConfig } from 'vite';

/**
 * The Content Manager's form validation schema, built once per content type rather than once per
 * field. Every input of the edit view calls `useDocument` (three hooks per input), and each hook
 * builds the type's whole yup schema in its own `useMemo` — 55 inputs on the student form, about
 * 30 % of the edit view's main-thread time. `createYupSchema` is pure in its arguments, which come
 * from one query cache entry (the same objects in every hook), so a call without options (the
 * hooks' call; submit and publish pass options and are left as they are) is memoised on them.
 * Strapi's own source marks the spot ("should we create a Map to store these…"). If a Strapi
 * upgrade changes the module, the build says so and leaves it unchanged.
 */
const VALIDATION = /@strapi\/content-manager\/dist\/admin\/utils\/validation\.mjs$/;
const EXPORT = 'export { createYupSchema };';

const memoiseYupSchema = (): Plugin => ({
  name: 'xueji-memoise-yup-schema',
  enforce: 'pre',
  transform(code, id) {
    if (!VALIDATION.test(id.split('?')[0])) return null;
    if (!code.includes(EXPORT)) {
      this.warn('xueji: @strapi/content-manager validation.mjs changed; the form schema is not memoised');
      return null;
    }
    return code.replace(EXPORT, `
const xuejiSchemas = new WeakMap();
const createYupSchemaOnce = (attributes, components, options) => {
  if (options !== undefined || !attributes || !components) return createYupSchema(attributes, components, options);
  let byComponents = xuejiSchemas.get(attributes);
  if (!byComponents) xuejiSchemas.set(attributes, (byComponents = new WeakMap()));
  let schema = byComponents.get(components);
  if (!schema) byComponents.set(components, (schema = createYupSchema(attributes, components)));
  return schema;
};
export { createYupSchemaOnce as createYupSchema };`);
  },
});

export default (config: UserConfig) => mergeConfig(config, { plugins: [memoiseYupSchema()] });
