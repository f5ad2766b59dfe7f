import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/web-build-setup.ts'],
    setupFiles: ['test/support/per-file-setup.ts'],
    pool: 'forks',
    // Each worker evaluates the app's modules once and reuses them for its files (about half the run was
    // spent importing). Files stay independent: each has its own database, app and Redis namespace, and
    // test/support/per-file-setup.ts releases them when the file ends.
    isolate: false,
    // Two cores: two test files at a time, each in its own database. The timeouts leave room for a
    // second copy of the suite on the same cores (everything about 2-3x slower); tests that start
    // numpool processes use PROCESS_TEST_TIMEOUT (test/support/cli-process.ts) instead.
    maxWorkers: 2,
    // Tests start dozens of numpool processes (test/support/cli-process.ts) that each compile the same
    // sources: Node's compile cache makes every start after the first cost about 40% less CPU.
    env: {
      NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'numpool-test-compile-cache'),
    },
    testTimeout: 60_000,
    // expect.poll waits on a condition (a page that has navigated, a status that has turned); its default
    // second is shorter than a page load on two busy cores.
    expect: { poll: { timeout: 20_000 } },
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
