/**
 * Loads the catalog seed (countries, platforms) into the database. Idempotent: rows are upserted by id, and
 * the whole step is skipped when the seed files have not changed since the last run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type DbContext, withTransaction } from '../platform/db.ts';
import type { SeedCountry, SeedPlatform } from './seed-types.ts';

const SEED_LOCK = 727_002; // advisory lock id: one seeding process at a time

function readSeed(file: string): string {
  return readFileSync(new URL(`./seed/${file}`, import.meta.url), 'utf8');
}

export async function seedCatalog({ ctx }: { ctx: DbContext }): Promise<{ changed: boolean }> {
  const countriesText = readSeed('countries.json');
  const platformsText = readSeed('platforms.json');
  const hash = createHash('sha256').update(countriesText).update(platformsText).digest('hex');

  return withTransaction(ctx, async (tx) => {
    await tx.db.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    const stored = await tx.db.query<{ value: string }>(
      `SELECT value FROM app_meta WHERE key = 'catalog_seed'`,
    );
    if (stored.rows[0]?.value === hash) return { changed: false };

    const countries = JSON.parse(countriesText) as SeedCountry[];
    const platforms = JSON.parse(platformsText) as SeedPlatform[];
    await tx.db.query(
      `INSERT INTO countries (id, iso2, dial_code, name, emoji, fivesim)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT (id) DO UPDATE SET iso2 = excluded.iso2, dial_code = excluded.dial_code,
         name = excluded.name, emoji = excluded.emoji, fivesim = excluded.fivesim`,
      [
        countries.map((c) => c.id),
        countries.map((c) => c.iso2),
        countries.map((c) => c.dial_code),
        countries.map((c) => c.name),
        countries.map((c) => c.emoji),
        countries.map((c) => c.fivesim),
      ],
    );
    await tx.db.query(
      `INSERT INTO platforms (id, code, handler_code, name)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (id) DO UPDATE SET code = excluded.code, handler_code = excluded.handler_code,
         name = excluded.name`,
      [
        platforms.map((p) => p.id),
        platforms.map((p) => p.code),
        platforms.map((p) => p.handler_code),
        platforms.map((p) => p.name),
      ],
    );
    await tx.db.query(
      `INSERT INTO app_meta (key, value) VALUES ('catalog_seed', $1)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
      [hash],
    );
    return { changed: true };
  });
}
