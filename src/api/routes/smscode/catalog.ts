import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import type { ListedProduct } from '../../../catalog/catalog-cache.ts';
import { listCountries } from '../../../catalog/list-countries.ts';
import { listOperators } from '../../../catalog/list-operators.ts';
import { listProducts } from '../../../catalog/list-products.ts';
import { listServices } from '../../../catalog/list-services.ts';
import { getExchangeRate, getUsdRate } from '../../../pricing/exchange-rate.ts';
import { Clamped, Id32 } from '../../schemas/numbers.ts';
import { fxReceipt, usdMoney } from './money.ts';
import {
  type ApiVersion,
  Country,
  errorResponses,
  Operator,
  PaginationMeta,
  Service,
  success,
  successWithMeta,
  V1ExchangeRate,
  V1Product,
  V2Fx,
  V2Product,
  V2ProductsMeta,
} from './schemas.ts';

const ProductsQuery = Type.Object({
  country_id: Type.Optional(Id32),
  platform_id: Type.Optional(Id32),
  operator_id: Type.Optional(Id32),
  limit: Type.Optional(Clamped({ description: 'clamped to 1-10000, default 1000' })),
  page: Type.Optional(Clamped({ description: '1-based, default 1' })),
  sort: Type.Optional(
    Type.String({
      description: 'price_asc (default) | price_desc | available_asc | available_desc | name_asc | name_desc',
    }),
  ),
});

/**
 * Catalog reads. Countries, services and operators are money-free and byte-identical on /v1 and /v2;
 * products and the exchange rate differ by version (IDR integers vs USD money with an FX receipt).
 */
export const catalogRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; version: ApiVersion }> = async (
  app,
  { ctx, version },
) => {
  app.get(
    '/catalog/countries',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List countries',
        security: [{ bearerAuth: [] }],
        response: { 200: success(Type.Array(Country)), ...errorResponses(401, 429, 500, 503) },
      },
    },
    async () => {
      const countries = await listCountries({ ctx });
      return {
        success: true as const,
        data: countries.map((c) => ({
          id: c.id,
          name: c.name,
          active: c.active,
          code: c.iso2,
          dial_code: c.dialCode,
          emoji: c.emoji,
        })),
      };
    },
  );

  app.get(
    '/catalog/services',
    {
      schema: {
        tags: ['catalog'],
        summary: 'List services (platforms)',
        description: 'With country_id, only services with in-stock products in that country.',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({ country_id: Type.Optional(Id32) }),
        response: { 200: success(Type.Array(Service)), ...errorResponses(401, 422, 429, 500, 503) },
      },
    },
    async (request) => {
      const services = await listServices({ ctx, input: { countryId: request.query.country_id } });
      return {
        success: true as const,
        data: services.map((s) => ({ id: s.id, code: s.code, name: s.name, active: s.active })),
      };
    },
  );

  app.get(
    '/catalog/operators',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Operators with in-stock tiers for a country and platform',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({ country_id: Id32, platform_id: Id32 }),
        response: { 200: success(Type.Array(Operator)), ...errorResponses(401, 422, 429, 500, 503) },
      },
    },
    async (request) => {
      const operators = await listOperators({
        ctx,
        input: { countryId: request.query.country_id, platformId: request.query.platform_id },
      });
      return {
        success: true as const,
        data: operators.map((o) => ({
          operator_id: o.operatorId,
          code: o.code,
          name: o.name,
          local_name: o.localName,
        })),
      };
    },
  );

  app.get(
    '/catalog/products',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Products: in-stock tier slots over every provider',
        security: [{ bearerAuth: [] }],
        querystring: ProductsQuery,
        response: {
          200:
            version === 'v1'
              ? successWithMeta(Type.Array(V1Product), PaginationMeta)
              : successWithMeta(Type.Array(V2Product), V2ProductsMeta),
          ...errorResponses(401, 422, 429, 500, 503),
        },
      },
    },
    async (request) => {
      // /v2 reads its rate first, so one receipt covers every price in the response.
      const fx = version === 'v2' ? fxReceipt(await getUsdRate({ ctx })) : undefined;
      const { items, page, limit } = await listProducts({ ctx, input: productQuery(request.query) });
      const meta = { page, limit, count: items.length };
      return fx
        ? {
            success: true as const,
            data: items.map((p) => ({ ...productFields(p), price: usdMoney(p.price, fx, 4) })),
            meta: { ...meta, fx },
          }
        : { success: true as const, data: items.map((p) => ({ ...productFields(p), price: p.price })), meta };
    },
  );

  if (version === 'v1') {
    app.get(
      '/catalog/exchange-rate',
      {
        schema: {
          tags: ['catalog'],
          summary: 'Exchange rate of a currency pair (default USD/IDR)',
          security: [{ bearerAuth: [] }],
          querystring: Type.Object({ pair: Type.Optional(Type.String()) }),
          response: { 200: success(V1ExchangeRate), ...errorResponses(401, 404, 429, 500, 503) },
        },
      },
      async (request) => {
        const rate = await getExchangeRate({ ctx, input: { pair: request.query.pair ?? 'USD/IDR' } });
        return {
          success: true as const,
          data: { pair: rate.pair, base_currency: rate.base, quote_currency: rate.quote, rate: rate.rate },
        };
      },
    );
    return;
  }
  app.get(
    '/catalog/exchange-rate',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The USD/IDR rate /v2 money uses',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({ pair: Type.Optional(Type.String()) }),
        response: { 200: success(V2Fx), ...errorResponses(401, 429, 500, 503) },
      },
    },
    async () => ({ success: true as const, data: fxReceipt(await getUsdRate({ ctx })) }),
  );
};

function productQuery(query: {
  country_id?: number;
  platform_id?: number;
  operator_id?: number;
  limit?: number;
  page?: number;
  sort?: string;
}) {
  return {
    countryId: query.country_id,
    platformId: query.platform_id,
    operatorId: query.operator_id,
    limit: query.limit,
    page: query.page,
    sort: query.sort,
  };
}

function productFields(p: ListedProduct) {
  return {
    id: p.id,
    available: p.available,
    active: true,
    name: p.name,
    country_id: p.countryId,
    platform_id: p.platformId,
    catalog_product_id: p.catalogProductId,
    operator_id: p.operatorId,
    operator_name: p.operatorName,
  };
}
