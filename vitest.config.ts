import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Node-RED is a per-process singleton: keep one process per test file
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
