#!/usr/bin/env node
// numpool runs its TypeScript sources directly, which needs Node.js 24 (the project's own `node` dependency).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `numpool needs Node.js 24; this is ${process.version}. Run it through npm (npm start, npx numpool …), ` +
      'which uses the Node.js 24 installed in node_modules.',
  );
  process.exit(1);
}
// Memory settings that can only be made when a process starts, so numpool re-executes itself (same pid)
// with them, leaving alone any the caller chose. Measured on the API process with three providers × full
// catalog, after rendering every catalog page: 296 → 243 MiB and 390 → 296 MiB, serving as fast.
const SEMI_SPACE = '--max-semi-space-size';
const MMAP_THRESHOLD = 'MALLOC_MMAP_THRESHOLD_';
const TUNED = 'NUMPOOL_STARTED_TUNED';
const nodeArgs = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
if (process.env[TUNED] !== undefined) {
  // The settings are this process's own: its children (an embedded PostgreSQL) start with the caller's.
  if (process.env[TUNED] === 'malloc') delete process.env[MMAP_THRESHOLD];
  delete process.env[TUNED];
} else if (!nodeArgs.some((arg) => arg.startsWith(SEMI_SPACE)) && process.platform !== 'win32') {
  const env = { ...process.env, [TUNED]: MMAP_THRESHOLD in process.env ? '' : 'malloc' };
  // glibc raises its mmap threshold after the first large free, and from then on keeps the freed
  // multi-MB bodies and compression buffers in arenas it never returns: 296 → 243 MiB.
  env[MMAP_THRESHOLD] ??= String(128 * 1024);
  // V8 sizes the young generation from the machine's memory (2 × 64 MB here), which a catalog load fills
  // and keeps resident; 16 MB semi-spaces (V8's long-standing default): 390 → 296 MiB.
  process.execve(
    process.execPath,
    [process.execPath, `${SEMI_SPACE}=16`, ...process.execArgv, ...process.argv.slice(1)],
    env,
  );
}
await import('../src/cli.ts');
