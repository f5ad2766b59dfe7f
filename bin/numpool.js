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
await import('../src/cli.ts');
