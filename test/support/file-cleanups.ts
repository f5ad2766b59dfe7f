/**
 * Cleanups that run when the current test file ends, whether the resource was made at file level or inside
 * a test. Support modules are evaluated once per worker (vitest runs without isolation), so the list lives
 * here and test/support/per-file-setup.ts, which runs for every file, drains it when each file ends.
 */
const cleanups: Array<() => Promise<void>> = [];

/** Runs when the current test file ends, in reverse order of registration. */
export function cleanupAfterFile(cleanup: () => Promise<void> | void): void {
  cleanups.push(async () => cleanup());
}

/** Runs and forgets every registered cleanup; throws the first failure after all have run. */
export async function runFileCleanups(): Promise<void> {
  const pending = cleanups.splice(0).reverse();
  const failures: unknown[] = [];
  for (const cleanup of pending) await cleanup().catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw failures[0];
}
