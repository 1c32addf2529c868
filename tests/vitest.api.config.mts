import { createRequire } from 'module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// One Strapi for every API test file: one fork, no isolation, the instance kept on globalThis.
export default defineConfig({
  resolve: {
    // Strapi's ESM build fails under Vitest on a directory import of lodash/fp (PLATFORM.md).
    alias: { '@strapi/strapi': require.resolve('@strapi/strapi') },
  },
  test: {
    include: ['tests/api/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    isolate: false,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    globalSetup: ['tests/api/global-setup.ts'],
  },
});
