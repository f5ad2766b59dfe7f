import type { PlatformContext } from '../platform/context.ts';
import type { ApiKeyCache } from './api-key-cache.ts';

/** What account verbs use: the platform, and the cache of recently seen API keys. */
export interface AccountsContext extends PlatformContext {
  apiKeyCache: ApiKeyCache;
}
