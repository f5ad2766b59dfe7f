import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/web-build-setup.ts'],
    pool: 'forks',
    // Two cores: two test files at a time, each in its own database. The timeouts leave room for a
    // second copy of the suite on the same cores (everything about 2-3x slower); tests that start
    // numpool processes use PROCESS_TEST_TIMEOUT (test/support/cli-process.ts) instead.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
