import { describe, expect, it } from 'vitest';
import { seedCatalog } from '../src/catalog/seed-catalog.ts';
import { createTestContext } from './support/test-database.ts';

const ctx = await createTestContext();

describe('catalog seed', () => {
  it('holds at least 200 countries keyed by SMS-Activate id, with ISO code, dial code and flag', async () => {
    const { rows } = await ctx.db.query('SELECT * FROM countries ORDER BY id');
    expect(rows.length).toBeGreaterThanOrEqual(200);
    expect(rows.find((c) => c.id === 0)).toMatchObject({ iso2: 'ru', dial_code: '7', name: 'Russia' });
    expect(rows.find((c) => c.id === 16)).toMatchObject({ iso2: 'gb', dial_code: '44', emoji: '🇬🇧' });
    expect(rows.find((c) => c.id === 187)).toMatchObject({ iso2: 'us', dial_code: '1', fivesim: 'usa' });
    for (const country of rows.filter((c) => c.iso2)) {
      const flag = [...country.iso2.toUpperCase()].map((ch: string) => 0x1f1e6 + ch.charCodeAt(0) - 65);
      expect(country.emoji).toBe(String.fromCodePoint(...flag));
    }
    expect(rows.filter((c) => !c.iso2)).toEqual([]);
  });

  it('holds at least 700 platforms with unique slugs and handler codes', async () => {
    const { rows } = await ctx.db.query('SELECT * FROM platforms ORDER BY id');
    expect(rows.length).toBeGreaterThanOrEqual(700);
    expect(new Set(rows.map((p) => p.code)).size).toBe(rows.length);
    expect(new Set(rows.map((p) => p.handler_code)).size).toBe(rows.length);
    const byHandler = new Map(rows.map((p) => [p.handler_code, p]));
    expect(byHandler.get('wa')).toMatchObject({ id: 1, code: 'whatsapp' });
    expect(byHandler.get('tg')).toMatchObject({ id: 2, code: 'telegram' });
    expect(byHandler.get('go')).toMatchObject({ code: 'google' });
    for (const platform of rows) expect(platform.code).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });

  it('is skipped when unchanged and restores rows when the seed differs from the database', async () => {
    expect(await seedCatalog({ ctx })).toEqual({ changed: false });
    await ctx.db.query(`UPDATE platforms SET name = 'Renamed' WHERE id = 1`);
    await ctx.db.query(`DELETE FROM app_meta WHERE key = 'catalog_seed'`);
    expect(await seedCatalog({ ctx })).toEqual({ changed: true });
    const { rows } = await ctx.db.query('SELECT name FROM platforms WHERE id = 1');
    expect(rows[0].name).toBe('Whatsapp');
  });
});
