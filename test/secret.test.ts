import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecret } from '../src/platform/secret.ts';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('NUMPOOL_SECRET', () => {
  it('is generated once into the data dir and reused afterwards', () => {
    dir = join(mkdtempSync(join(tmpdir(), 'numpool-secret-')), 'nested');
    const first = loadSecret({ secret: undefined, dataDir: dir });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, 'secret')).mode & 0o077).toBe(0);
    expect(loadSecret({ secret: undefined, dataDir: dir })).toBe(first);
    expect(readFileSync(join(dir, 'secret'), 'utf8').trim()).toBe(first);
  });

  it('comes from the environment when set, and nothing is written', () => {
    dir = mkdtempSync(join(tmpdir(), 'numpool-secret-'));
    expect(loadSecret({ secret: 's'.repeat(32), dataDir: dir })).toBe('s'.repeat(32));
    expect(() => statSync(join(dir, 'secret'))).toThrow();
  });

  it('refuses a stored secret that is too short', () => {
    dir = mkdtempSync(join(tmpdir(), 'numpool-secret-'));
    writeFileSync(join(dir, 'secret'), 'short\n');
    expect(() => loadSecret({ secret: undefined, dataDir: dir })).toThrow(/shorter than 32/);
  });
});

describe('first start of several processes at once', () => {
  it('all read the one secret that was written', async () => {
    dir = mkdtempSync(join(tmpdir(), 'numpool-secret-'));
    const { readOrCreateOnce } = await import('../src/platform/write-once.ts');
    let n = 0;
    const results = Array.from({ length: 20 }, () =>
      readOrCreateOnce(join(dir, 'secret'), () => `value-${n++}`.padEnd(40, 'x')),
    );
    expect(new Set(results).size).toBe(1);
    expect(readFileSync(join(dir, 'secret'), 'utf8').trim()).toBe(results[0]);
  });
});
