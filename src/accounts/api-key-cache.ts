/**
 * Recently authenticated keys, so hot polling clients cost no database round trip per request. Changing or
 * revoking a key, or disabling an account, announces it on API_KEY_CHANGES after commit (through the bus,
 * so every node hears it) and evicts at once on the node that made the change; a short TTL bounds
 * staleness should a message be lost. Unknown keys are never cached.
 *
 * The same object remembers, per process, when each key's use was last written, so that last_used_at costs
 * at most one write per key and minute rather than one per request.
 */
import { LRUCache } from 'lru-cache';
import { BUS_RESYNC, type EventBus } from '../platform/bus.ts';
import { type DbContext, onCommit } from '../platform/db.ts';
import type { Principal } from './authenticate-api-key.ts';

export const API_KEY_CHANGES = 'numpool:api-key-changes';
export const API_KEY_CACHE_TTL_MS = 5_000;
/** How often, at most, one process records that a key was used. */
export const LAST_USED_EVERY_MS = 60_000;

/** What changed: one key (scopes, allowlist, limit, revoked), or every key of an account. */
export type ApiKeyChange = { keyId: number } | { accountId: number };

function parseChange(message: string): ApiKeyChange | undefined {
  try {
    const change = JSON.parse(message) as Record<string, unknown>;
    if (Number.isSafeInteger(change.keyId)) return { keyId: change.keyId as number };
    if (Number.isSafeInteger(change.accountId)) return { accountId: change.accountId as number };
  } catch {
    // not ours
  }
  return undefined;
}

export class ApiKeyCache {
  private readonly entries = new LRUCache<string, Principal>({ max: 50_000, ttl: API_KEY_CACHE_TTL_MS });
  private readonly usesRecorded = new LRUCache<number, true>({ max: 100_000, ttl: LAST_USED_EVERY_MS });
  /** Bumped by every eviction: a lookup that raced a change is not kept. */
  private generationCount = 0;
  private readonly unsubscribe: () => void;

  constructor(bus?: EventBus) {
    this.unsubscribe = bus
      ? bus.subscribe(API_KEY_CHANGES, (message) => {
          if (message === BUS_RESYNC) return this.clear();
          const change = parseChange(message);
          if (change) this.forget(change);
        })
      : () => undefined;
  }

  get generation(): number {
    return this.generationCount;
  }

  get(key: string): Principal | undefined {
    return this.entries.get(key);
  }

  /** Keeps a lookup unless something was evicted since `generation` was read (before the lookup). */
  set(key: string, principal: Principal, generation: number): void {
    if (generation === this.generationCount) this.entries.set(key, principal);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  forget(change: ApiKeyChange): void {
    this.generationCount++;
    const matches =
      'keyId' in change
        ? (p: Principal) => p.apiKeyId === change.keyId
        : (p: Principal) => p.accountId === change.accountId;
    // A full pass is fine here: changes are rare next to lookups, and the cache is bounded.
    const gone: string[] = [];
    for (const [key, principal] of this.entries.entries()) if (matches(principal)) gone.push(key);
    for (const key of gone) this.entries.delete(key);
  }

  clear(): void {
    this.generationCount++;
    this.entries.clear();
  }

  /** True once per key and LAST_USED_EVERY_MS: the caller then writes the key's last use. */
  claimUseRecord(keyId: number): boolean {
    if (this.usesRecorded.has(keyId)) return false;
    this.usesRecorded.set(keyId, true);
    return true;
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }
}

export function createApiKeyCache(bus?: EventBus): ApiKeyCache {
  return new ApiKeyCache(bus);
}

/** Announces, once the transaction commits, that keys changed: every node stops trusting its cached copy. */
export function announceApiKeyChange(
  ctx: DbContext & { bus: EventBus; apiKeyCache?: ApiKeyCache },
  change: ApiKeyChange,
): void {
  onCommit(ctx, () => {
    ctx.apiKeyCache?.forget(change);
    return ctx.bus.publish(API_KEY_CHANGES, JSON.stringify(change));
  });
}
