// @ts-check
/**
 * `npm run mutate`: StrykerJS over the pure modules, driven by the node:test unit files (TAP
 * output, TypeScript through tsx). It needs no database and no broker. Surviving mutants that
 * cannot be killed are listed with the reason in test/MUTANTS.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'tap',
  tap: {
    testFiles: ['test/unit/*.test.ts'],
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap'],
    forceBail: true,
  },
  mutate: [
    'src/domains/users/user.mapper.ts',
    'src/db/table-writer/rules.ts',
    'src/db/table-writer/coalesce.ts',
    'src/db/table-writer/sql/*.ts',
    'src/domains/users/user.policy.ts',
    'src/domains/users/user.events.ts',
    'src/common/fields.ts',
    'src/common/timestamp.ts',
    'src/errors/*.ts',
    'src/pipeline/decode.ts',
    'src/config.ts',
    'src/config-vars.ts',
    'src/config-schema.ts',
  ],
  // Not copied into the sandbox: caches, scratch and build output (.cache is shared with other checkouts).
  ignorePatterns: ['.cache', '.tmp', 'dist', 'bench/results*.json'],
  coverageAnalysis: 'perTest',
  // The machine is shared: two test processes at most.
  concurrency: 2,
  timeoutMS: 20_000,
  incremental: true,
  incrementalFile: '.stryker/incremental.json',
  tempDirName: '.stryker/tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: '.stryker/mutation.html' },
  jsonReporter: { fileName: '.stryker/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 100, low: 95, break: null },
};
