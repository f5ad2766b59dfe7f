/** Rows of the catalog seed files in src/catalog/seed/. */
export interface SeedCountry {
  id: number;
  iso2: string | null;
  dial_code: string;
  name: string;
  emoji: string | null;
  fivesim: string | null;
}

export interface SeedPlatform {
  id: number;
  code: string;
  handler_code: string;
  name: string;
}
