/** Providers and offers written through the same verbs the sync uses, for tests that need a stocked pool. */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../src/app-context.ts';
import type { ProviderCurrency, ProviderOffer } from '../../src/providers/port.ts';
import type { ProviderKind, ProviderRecord } from '../../src/providers/provider.ts';
import { createProvider } from '../../src/providers/save-provider.ts';
import { storeOffers } from '../../src/providers/sync-offers.ts';

export async function addProvider(
  ctx: AppContext,
  options: { code?: string; currency?: ProviderCurrency; kind?: ProviderKind; priority?: number } = {},
): Promise<ProviderRecord> {
  return createProvider({
    ctx,
    input: {
      code: options.code ?? `p${randomBytes(4).toString('hex')}`,
      kind: options.kind ?? 'handler',
      baseUrl: 'http://127.0.0.1:9',
      credential: '0123456789abcdef0123456789abcdef',
      currency: options.currency ?? 'USD',
      priority: options.priority,
    },
  });
}

export function offer(
  countryId: number,
  platformId: number,
  cost: string,
  available = 10,
  operator: string | null = null,
): ProviderOffer {
  return { countryId, platformId, cost, available, operator };
}

export async function stock(ctx: AppContext, provider: ProviderRecord, offers: ProviderOffer[]) {
  const result = await storeOffers({ ctx, input: { provider, offers } });
  await ctx.catalogCache.invalidate();
  return result;
}

export async function slot(
  ctx: AppContext,
  providerId: number,
  countryId: number,
  platformId: number,
  operator: string | null = null,
) {
  const result = await ctx.db.query(
    `SELECT p.*, o.code AS operator_code FROM products p
     JOIN catalog_products cp ON cp.id = p.catalog_product_id
     LEFT JOIN operators o ON o.id = p.operator_id
     WHERE p.provider_id = $1 AND cp.country_id = $2 AND cp.platform_id = $3 AND o.code IS NOT DISTINCT FROM $4`,
    [providerId, countryId, platformId, operator],
  );
  return result.rows[0];
}
