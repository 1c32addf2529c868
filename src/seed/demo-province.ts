// Placeholder replaced by the demo generator.
import type { Core } from '@strapi/strapi';
export async function seedDemo(_strapi: Core.Strapi, _opts: { students: number; seed: number }) {
  return {};
}
