/**
 * Runs before every test file (vitest setupFiles are evaluated once per file even without isolation), so
 * each file's resources are released when that file ends, not when the worker does.
 */
import { afterAll } from 'vitest';
import { runFileCleanups } from './file-cleanups.ts';

afterAll(runFileCleanups);
