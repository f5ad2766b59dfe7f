/**
 * Serialized response bodies per filter. A full price list is ~35k offers (~1.5 MB); adapters sync it
 * often, so it is built once and served as a string until the stock of an offer it contains changes. A
 * buy then invalidates only the bodies that include that country × platform, not every cached filter.
 */

interface Entry {
  /** Undefined = the body covers every country (or platform); static bodies never go stale. */
  countryId: number | undefined;
  platformId: number | undefined;
  isStatic: boolean;
  body: string;
}

/** Which offers a body covers; 'static' = it does not depend on stock (country lists, service lists). */
export type BodyScope = { countryId?: number | undefined; platformId?: number | undefined } | 'static';

/** Bounded: distinct filters are few in practice; a flood of them just clears the cache. */
const MAX_ENTRIES = 2000;

export class BodyCache {
  readonly #entries = new Map<string, Entry>();

  /** The body for a key, built on a miss; the scope tells invalidate() what a stock change touches. */
  get(key: string, scope: BodyScope, build: () => string): string {
    const hit = this.#entries.get(key);
    if (hit) return hit.body;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    const body = build();
    this.#entries.set(
      key,
      scope === 'static'
        ? { countryId: undefined, platformId: undefined, isStatic: true, body }
        : { countryId: scope.countryId, platformId: scope.platformId, isStatic: false, body },
    );
    return body;
  }

  invalidate(countryId: number, platformId: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.isStatic) continue;
      const countryMatches = entry.countryId === undefined || entry.countryId === countryId;
      const platformMatches = entry.platformId === undefined || entry.platformId === platformId;
      if (countryMatches && platformMatches) this.#entries.delete(key);
    }
  }
}
