import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // two cores: files that train or start servers must not all run at once
    maxWorkers: 2,
    fileParallelism: true,
  },
});
