import { defineConfig } from 'vitest/config';

// Browser tests: a real `strapi start` (built admin panel) driven by Debian's Chromium.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 240_000,
  },
});
