// vitest for a mutation run: only the area's test files
// (scripts/mutate-areas.mjs), no build step (the tests import src/).
import { defineConfig } from 'vitest/config';
import { currentArea } from './scripts/mutate-areas.mjs';

export default defineConfig({
  test: {
    include: currentArea().tests,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
