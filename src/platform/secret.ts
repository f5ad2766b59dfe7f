/**
 * NUMPOOL_SECRET encrypts provider credentials and signs sessions. When unset it is generated once and
 * kept in the data dir (mode 0600), so restarts can still read what was encrypted before.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { readOrCreateOnce } from './write-once.ts';

export function loadSecret(config: Pick<Config, 'secret' | 'dataDir'>): string {
  if (config.secret) return config.secret;
  const path = join(config.dataDir, 'secret');
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored.length >= 32) return stored;
    throw new Error(`${path} holds a secret shorter than 32 characters; remove it or set NUMPOOL_SECRET`);
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
  return readOrCreateOnce(path, () => randomBytes(32).toString('hex'));
}
