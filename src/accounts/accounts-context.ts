import type { Mailer } from '../mail/mailer.ts';
import type { PlatformContext } from '../platform/context.ts';
import type { ApiKeyCache } from './api-key-cache.ts';

/** What account verbs use: the platform, the cache of recently seen API keys, and outgoing mail. */
export interface AccountsContext extends PlatformContext {
  apiKeyCache: ApiKeyCache;
  mailer: Mailer;
}
