/**
 * Per-process provider machinery: adapters built from provider settings (rebuilt when the settings change),
 * each call guarded by the provider's circuit breaker and timed.
 */
import { LRUCache } from 'lru-cache';
import type { Registry } from 'prom-client';
import { loadCatalogCodes } from '../catalog/catalog-codes.ts';
import type { DbContext } from '../platform/db.ts';
import { open } from '../platform/secret-box.ts';
import { type HealthOptions, ProviderHealth } from './health.ts';
import { getProvider } from './list-providers.ts';
import type { AdapterOptions, CatalogCodes, OfferList, ProviderAdapter } from './port.ts';
import { ProviderError } from './port.ts';
import type { ProviderRecord } from './provider.ts';

export type AdapterFactory = (provider: ProviderRecord, options: AdapterOptions) => ProviderAdapter;

type AdapterMethod = Exclude<keyof ProviderAdapter, 'kind'>;
const METHODS: AdapterMethod[] = [
  'getBalance',
  'listOffers',
  'listOperators',
  'acquireNumber',
  'getStatus',
  'listActive',
  'requestAnotherSms',
  'finish',
  'cancel',
];

export class ProviderRuntime {
  readonly health: ProviderHealth;
  /**
   * Live offer lists per provider × country × platform: a short TTL, and concurrent asks share one
   * upstream call (lru-cache fetch is single-flight).
   */
  readonly liveOffers: LRUCache<string, OfferList, () => Promise<OfferList>>;
  /** SMS polling backs off per provider while it keeps failing. */
  readonly pollBackoff = new Map<number, { failures: number; nextAt: number }>();
  /** When this process last polled each provider for SMS (ms), and last recorded a push from it. */
  readonly lastPolledAt = new Map<number, number>();
  readonly lastPushRecordedAt = new Map<number, number>();
  private readonly factory: AdapterFactory;
  private readonly adapters = new Map<number, { version: number; adapter: ProviderAdapter }>();
  private readonly records = new Map<number, ProviderRecord>();
  private codes: Promise<CatalogCodes> | undefined;

  constructor(deps: {
    metrics: Registry;
    factory: AdapterFactory;
    health?: Partial<HealthOptions> | undefined;
    liveStockTtlMs?: number | undefined;
  }) {
    this.health = new ProviderHealth(deps.metrics, deps.health);
    this.factory = deps.factory;
    this.liveOffers = new LRUCache({
      max: 10_000,
      ttl: deps.liveStockTtlMs ?? 5_000,
      fetchMethod: (_key, _stale, { context }) => context(),
    });
  }

  /**
   * A provider's settings at the version (updated_at) the caller has just read, e.g. in routing: from
   * memory while that version is current, so an order does not read the provider row again. Every
   * settings change moves updated_at (save-provider.ts); sync bookkeeping (last_sync_*) does not, and is
   * not to be read from here.
   */
  async providerAt(ctx: DbContext, id: number, version: Date): Promise<ProviderRecord> {
    const cached = this.records.get(id);
    if (cached && cached.updatedAt.getTime() === version.getTime()) return cached;
    const fresh = await getProvider({ ctx, input: { ref: id } });
    this.records.set(id, fresh);
    return fresh;
  }

  /** The provider's adapter, every call going through its circuit breaker. */
  async adapterFor(ctx: DbContext & { secret: string }, provider: ProviderRecord): Promise<ProviderAdapter> {
    const version = provider.updatedAt.getTime();
    const cached = this.adapters.get(provider.id);
    if (cached?.version === version) return cached.adapter;

    // A failed load is forgotten, so one database blip does not break every later adapter.
    this.codes ??= loadCatalogCodes({ ctx }).catch((error: unknown) => {
      this.codes = undefined;
      throw error;
    });
    const codes = await this.codes;
    const sealed = await ctx.db.query<{ credential_enc: string | null }>(
      'SELECT credential_enc FROM providers WHERE id = $1',
      [provider.id],
    );
    const credentialEnc = sealed.rows[0]?.credential_enc;
    let credential = '';
    try {
      credential = credentialEnc ? open(ctx.secret, credentialEnc) : '';
    } catch (error) {
      throw new ProviderError('BAD_KEY', `credential of provider ${provider.code} cannot be decrypted`, {
        cause: error,
      });
    }
    let raw: ProviderAdapter;
    try {
      raw = this.factory(provider, {
        baseUrl: provider.baseUrl,
        credential,
        currency: provider.currency,
        codes,
        timeoutMs: provider.timeoutMs,
      });
    } catch (error) {
      throw new ProviderError('BAD_REQUEST', `provider ${provider.code} cannot be used: ${String(error)}`, {
        cause: error,
      });
    }
    const guarded = this.guard(provider.id, raw);
    this.adapters.set(provider.id, { version, adapter: guarded });
    return guarded;
  }

  private guard(providerId: number, raw: ProviderAdapter): ProviderAdapter {
    const guarded: Record<string, unknown> = { kind: raw.kind };
    for (const method of METHODS) {
      const fn = raw[method] as (...args: unknown[]) => Promise<unknown>;
      guarded[method] = (...args: unknown[]) =>
        this.health.call(providerId, method, () => fn.apply(raw, args));
    }
    return guarded as unknown as ProviderAdapter;
  }
}
