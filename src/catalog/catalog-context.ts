import type { PlatformContext } from '../platform/context.ts';
import type { CatalogCache } from './catalog-cache.ts';

/** What catalog verbs use: the platform, and the in-memory catalog snapshot. */
export interface CatalogContext extends PlatformContext {
  catalogCache: CatalogCache;
}
