/**
 * Runs before every test file (vitest setupFiles are evaluated once per file even without isolation), so
 * each file's resources are released when that file ends, not when the worker does.
 */
import { afterAll } from 'vitest';
import { runFileCleanups } from './file-cleanups.ts';

// A file that failed to load never ran its hooks: release what it made before this file starts. Its
// failure is already reported; its cleanups' errors are not this file's.
await runFileCleanups().catch(() => undefined);

afterAll(runFileCleanups);
