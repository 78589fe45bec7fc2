// StrykerJS over one area at a time (scripts/mutate-areas.mjs); run it with
// `npm run mutate -- <area>`, which sets NNC_MUTATE_AREA. The test files are
// limited through vitest.mutate.config.mjs, not Stryker's testFiles option:
// with testFiles, mutants in code run at module load ("static") are switched
// on too late and reported as survived.
import { currentArea } from './scripts/mutate-areas.mjs';

const area = currentArea();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.mjs', related: false },
  coverageAnalysis: 'perTest',
  mutate: area.mutate,
  // two shared cores
  concurrency: Number(process.env.NNC_MUTATE_CONCURRENCY ?? 2),
  // over the unmutated run time of the tests (timeoutFactor 1.5): a mutant that hangs a server is a timeout (killed) without waiting long
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${area.name}.html` },
  jsonReporter: { fileName: `reports/mutation/${area.name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  ignorePatterns: ['bench', '.nnc', 'test/.tmp', 'bench/.tmp', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 85, low: 70, break: null },
};
