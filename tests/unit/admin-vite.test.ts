/**
 * The admin build's memoised form schema (src/admin/vite.config.ts): the transform must still find
 * its spot in the installed @strapi/content-manager — an upgrade that moves it would silently bring
 * back one schema build per field (the edit view ~0.7 s slower) — and the memo must hand every
 * hook the same schema for the same type while leaving calls with options alone.
 */
import fs from 'fs';
import path from 'path';
import { describe, it, expect } from 'vitest';
import viteConfig from '../../src/admin/vite.config';

const file = path.join(__dirname, '..', '..', 'node_modules', '@strapi', 'content-manager', 'dist', 'admin', 'utils', 'validation.mjs');

function transform(code: string, id: string): string | null {
  const config: any = viteConfig({});
  const plugin = config.plugins.find((p: any) => p.name === 'xueji-memoise-yup-schema');
  const warnings: string[] = [];
  const out = plugin.transform.call({ warn: (m: string) => warnings.push(m) }, code, id);
  if (warnings.length) throw new Error(warnings.join('\n'));
  return out;
}

describe('admin build: the Content Manager form schema is built once per type', () => {
  it('rewrites the installed validation module and no other', () => {
    const code = fs.readFileSync(file, 'utf8');
    const out = transform(code, file);
    expect(out).toContain('export { createYupSchemaOnce as createYupSchema };');
    expect(out).not.toContain('export { createYupSchema };');
    expect(transform(code, file.replace('validation.mjs', 'other.mjs'))).toBeNull();
  });

  it('gives the same schema for the same attributes and components, a fresh one with options', () => {
    const stub = `let n = 0; const createYupSchema = (a, c, o) => ({ n: ++n, o });\nexport { createYupSchema };`;
    const out = transform(stub, '/x/node_modules/@strapi/content-manager/dist/admin/utils/validation.mjs')!;
    const createYupSchema = new Function(`${out.replace(/export \{ createYupSchemaOnce as createYupSchema \};/, '')}; return createYupSchemaOnce;`)();
    const attributes = {}; const components = {};
    const first = createYupSchema(attributes, components);
    expect(createYupSchema(attributes, components)).toBe(first);
    expect(createYupSchema({}, components)).not.toBe(first);
    expect(createYupSchema(attributes, components, { status: 'draft' })).not.toBe(first);
  });
});
