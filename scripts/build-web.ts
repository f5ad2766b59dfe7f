/**
 * Builds the web app (`astro build --root web` → web/dist) when its sources changed since the last build,
 * and does nothing otherwise. `npm start` runs it first (prestart), the test suite once per run (vitest
 * globalSetup), so a fresh clone serves the site and a warm one starts at once.
 *
 * "Changed" is a hash of every file under web/ except the build's own output, and of the installed astro
 * and @astrojs/node versions, kept in web/dist/.source-hash. `--force` builds anyway.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.source-hash');
const SKIPPED = new Set(['dist', 'node_modules', '.astro']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !SKIPPED.has(entry.name))
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

const versionOf = (pkg: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version;

export function webSourceHash(): string {
  const hash = createHash('sha256');
  hash.update(`astro@${versionOf('astro')} @astrojs/node@${versionOf('@astrojs/node')}\n`);
  for (const file of sourceFiles(WEB))
    hash.update(relative(WEB, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex');
}

/** Builds when needed; returns whether it built. Throws when the build fails. */
export function ensureWebBuild(options: { force?: boolean } = {}): boolean {
  const hash = webSourceHash();
  const built = existsSync(join(DIST, 'server', 'entry.mjs')) && existsSync(STAMP);
  if (!options.force && built && readFileSync(STAMP, 'utf8') === hash) return false;
  const astro = join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');
  const result = spawnSync(process.execPath, [astro, 'build', '--root', WEB, '--silent'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`astro build failed (exit ${result.status ?? result.signal})`);
  writeFileSync(STAMP, hash);
  return true;
}

if (import.meta.main) {
  const started = Date.now();
  const built = ensureWebBuild({ force: process.argv.includes('--force') });
  console.log(built ? `web app built in ${Date.now() - started} ms` : 'web app is up to date');
}
