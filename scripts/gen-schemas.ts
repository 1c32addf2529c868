/**
 * Writes src/api/<type>/content-types/<type>/schema.json and src/components/** from
 * src/domain/content-model.ts. Run after changing the model: `npx tsx scripts/gen-schemas.ts`.
 */
import fs from 'fs';
import path from 'path';
import { COMPONENTS, CONTENT_TYPES, componentSchemaOf, schemaOf } from '../src/domain/content-model';

const root = path.join(__dirname, '..');
const write = (file: string, data: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
};

for (const t of CONTENT_TYPES) {
  write(path.join(root, 'src/api', t.api, 'content-types', t.api, 'schema.json'), schemaOf(t));
}
for (const c of COMPONENTS) {
  write(path.join(root, 'src/components', c.category, `${c.name}.json`), componentSchemaOf(c));
}
console.log(`wrote ${CONTENT_TYPES.length} content types, ${COMPONENTS.length} components`);
