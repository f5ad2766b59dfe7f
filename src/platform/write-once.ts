import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * Creates a small file with generated content exactly once, atomically: the content is written to a temp
 * file and hard-linked into place, so a concurrent starter either wins or reads the winner's complete
 * file — never a half-written one. Returns what is in the file.
 */
export function readOrCreateOnce(path: string, generate: () => string): string {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  return readFileSync(path, 'utf8').trim();
}
