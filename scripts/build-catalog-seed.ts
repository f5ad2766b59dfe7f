/**
 * Builds numpool's catalog seed (src/catalog/seed/*.json) from the reference facts in ../shared/data.
 *
 * Platform ids are stable: ids already present in the existing seed file are kept, new handler codes get
 * the next free id. Run with `npm run catalog:seed [path-to-data-dir]`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import countries from 'i18n-iso-countries';
import slugify from 'slugify';
import type { SeedCountry, SeedPlatform } from '../src/catalog/seed-types.ts';

interface SourceCountry {
  sa_id: number;
  name_en: string;
  iso2: string | null;
  dial_code: string;
  fivesim: string | null;
}
interface SourceService {
  code: string;
  name: string;
}

// Well-known platforms whose slug would otherwise follow a combined display name ("Google,youtube,Gmail").
const SLUG_OVERRIDES: Record<string, string> = {
  go: 'google',
  ig: 'instagram',
  lf: 'tiktok',
  ya: 'yandex',
  vk: 'vk',
  ok: 'ok',
  ma: 'mailru',
  me: 'line',
  hw: 'alipay',
  tn: 'linkedin',
};

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.argv[2] ?? '../shared/data');
const seedDir = resolve(root, 'src/catalog/seed');

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function flagEmoji(iso2: string | null): string | null {
  if (!iso2 || !/^[a-z]{2}$/.test(iso2)) return null;
  return String.fromCodePoint(...[...iso2.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

function buildCountries(source: SourceCountry[]): SeedCountry[] {
  return source.map((c) => {
    // The reference data leaves a code out where ISO 3166-1 has none (Kosovo); the registry package knows
    // the code in common use.
    const iso2 = (c.iso2 ?? countries.getAlpha2Code(c.name_en, 'en') ?? null)?.toLowerCase() ?? null;
    if (iso2 && !countries.isValid(iso2.toUpperCase()))
      throw new Error(`country ${c.sa_id}: bad ISO code ${iso2}`);
    return {
      id: c.sa_id,
      iso2,
      dial_code: c.dial_code,
      name: c.name_en,
      emoji: flagEmoji(iso2),
      fivesim: c.fivesim,
    };
  });
}

function slugFor(service: SourceService): string {
  const override = SLUG_OVERRIDES[service.code];
  if (override) return override;
  const words = service.name.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return slugify(words, { lower: true, strict: true }) || service.code;
}

function buildPlatforms(source: SourceService[], previous: SeedPlatform[]): SeedPlatform[] {
  const previousByHandler = new Map(previous.map((p) => [p.handler_code, p]));
  let nextId = previous.reduce((max, p) => Math.max(max, p.id), 0) + 1;
  const taken = new Set(previous.map((p) => p.code));
  const out: SeedPlatform[] = [];
  for (const service of source) {
    const kept = previousByHandler.get(service.code);
    if (kept) {
      out.push({ ...kept, name: service.name });
      continue;
    }
    let code = slugFor(service);
    if (taken.has(code)) code = `${code}-${service.code}`;
    taken.add(code);
    out.push({ id: nextId++, code, handler_code: service.code, name: service.name });
  }
  return out.sort((a, b) => a.id - b.id);
}

const platformsPath = resolve(seedDir, 'platforms.json');
const previous = existsSync(platformsPath) ? readJson<SeedPlatform[]>(platformsPath) : [];
// The most requested platforms first, so a fresh seed gives them small, memorable ids.
const FIRST = [
  'wa',
  'tg',
  'go',
  'fb',
  'ig',
  'tw',
  'ds',
  'lf',
  'wx',
  'mm',
  'am',
  'dr',
  'ts',
  'wb',
  'vk',
  'ok',
];
const rank = (code: string) => (FIRST.includes(code) ? FIRST.indexOf(code) : FIRST.length);
const services = readJson<SourceService[]>(resolve(dataDir, 'services.json')).sort(
  (a, b) => rank(a.code) - rank(b.code),
);
const seedCountries = buildCountries(readJson<SourceCountry[]>(resolve(dataDir, 'countries.json')));
const seedPlatforms = buildPlatforms(services, previous);

const asLines = (rows: unknown[]) => `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`;
writeFileSync(resolve(seedDir, 'countries.json'), asLines(seedCountries));
writeFileSync(platformsPath, asLines(seedPlatforms));
console.log(`wrote ${seedCountries.length} countries and ${seedPlatforms.length} platforms to ${seedDir}`);
