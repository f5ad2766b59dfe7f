import type { CatalogContext } from '../catalog/catalog-context.ts';
import type { ProviderRuntime } from './provider-runtime.ts';

/** What provider verbs use: the catalog, and the live adapters with their health and caches. */
export interface ProvidersContext extends CatalogContext {
  upstreams: ProviderRuntime;
}
