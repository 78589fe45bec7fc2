// The areas `npm run mutate -- <area>` mutation-tests: the source files
// Stryker mutates and the test files that run against them (in-process tests
// that import src/; a test that runs dist/cli.js sees no mutant). Read by
// stryker.config.mjs and vitest.mutate.config.mjs through NNC_MUTATE_AREA.
export const AREAS = {
  check: {
    mutate: ['src/compiler/check.ts', 'src/compiler/check-heads.ts'],
    tests: ['test/compiler-faults.test.ts', 'test/compiler-stages.test.ts', 'test/compiler-whole.test.ts'],
  },
  split: {
    mutate: ['src/compiler/split.ts', 'src/runtime/train/examples.ts'],
    tests: ['test/splits.test.ts', 'test/train-encode.test.ts', 'test/split-boundaries.test.ts'],
  },
  server: {
    mutate: ['src/runtime/server/server.ts', 'src/runtime/server/request-guard.ts'],
    tests: ['test/server.test.ts', 'test/server-guard.test.ts', 'test/server-mutants.test.ts'],
  },
  diff: {
    mutate: ['src/diff/compare.ts'],
    tests: ['test/diff-compare.test.ts', 'test/diff-metrics.test.ts', 'test/diff-render.test.ts'],
  },
  sweep: {
    mutate: ['src/diff/sweep-diff.ts'],
    tests: ['test/diff-sweep-mutants.test.ts'],
  },
};

/** The area named by NNC_MUTATE_AREA; throws with the list when it names none. */
export function currentArea() {
  const name = process.env.NNC_MUTATE_AREA ?? '';
  const area = AREAS[name];
  if (!area) throw new Error(`NNC_MUTATE_AREA is '${name}'; use one of: ${Object.keys(AREAS).join(', ')} (npm run mutate -- <area>).`);
  return { name, ...area };
}
