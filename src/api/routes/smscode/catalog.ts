import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import type { ListedProduct } from '../../../catalog/catalog-cache.ts';
import { catalogVersion } from '../../../catalog/catalog-version.ts';
import { listCountries } from '../../../catalog/list-countries.ts';
import { listOperators } from '../../../catalog/list-operators.ts';
import { listProducts } from '../../../catalog/list-products.ts';
import { listServices } from '../../../catalog/list-services.ts';
import { getExchangeRate, getUsdRate } from '../../../pricing/exchange-rate.ts';
import { type Rendered, renderedBodiesOf } from '../../plugins/rendered-bodies.ts';
import { needs } from '../../plugins/route-scopes.ts';
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

/** A body as this route's response schema serialises it, so a cached answer has the same bytes. */
const json = (reply: FastifyReply, payload: unknown): Rendered => ({
  // The route's response-schema serializer always returns text.
  body: reply.serialize(payload) as string,
  contentType: 'application/json; charset=utf-8',
});

/**
 * Catalog reads. Countries, services and operators are money-free and byte-identical on /v1 and /v2;
 * products and the exchange rate differ by version (IDR integers vs USD money with an FX receipt).
 *
 * Every catalog answer is kept rendered (and compressed) per catalog version, keyed by what shapes its
 * bytes: the query, the surface and, on /v2, the rate the money is shown at. Measured at 64 connections on a
 * full sandbox pool (110k slots), before → after, same machine and load: the 1.9 MB page 5–6 → 29–128 req/s
 * plain and 3–5 → 107–248 req/s br (206 KB); a 100-item /v2 page 2.0–2.6k → 3.6–6.5k; countries 0.03–1.3k →
 * 3.0–3.9k. The handler's getPrices (2.9 MB) went from 2 to 67 req/s (see handler-route.ts).
 */
export const catalogRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; version: ApiVersion }> = async (
  app,
  { ctx, version },
) => {
  const bodies = renderedBodiesOf(ctx.catalogCache);
  const at = async (key: string) => ({ version: await catalogVersion({ ctx }), key });
  app.get(
    '/catalog/countries',
    {
      ...needs('read'),
      schema: {
        tags: ['catalog'],
        summary: 'List countries',
        security: [{ bearerAuth: [] }],
        response: { 200: success(Type.Array(Country)), ...errorResponses(401, 429, 500, 503) },
      },
    },
    async (request, reply) =>
      bodies.send(request, reply, await at('smscode|countries'), async () => {
        const countries = await listCountries({ ctx });
        return json(reply, {
          success: true as const,
          data: countries.map((c) => ({
            id: c.id,
            name: c.name,
            active: c.active,
            code: c.iso2,
            dial_code: c.dialCode,
            emoji: c.emoji,
          })),
        });
      }),
  );

  app.get(
    '/catalog/services',
    {
      ...needs('read'),
      schema: {
        tags: ['catalog'],
        summary: 'List services (platforms)',
        description: 'With country_id, only services with in-stock products in that country.',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({ country_id: Type.Optional(Id32) }),
        response: { 200: success(Type.Array(Service)), ...errorResponses(401, 422, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const countryId = request.query.country_id;
      return bodies.send(request, reply, await at(`smscode|services|${countryId ?? ''}`), async () => {
        const services = await listServices({ ctx, input: { countryId } });
        return json(reply, {
          success: true as const,
          data: services.map((s) => ({ id: s.id, code: s.code, name: s.name, active: s.active })),
        });
      });
    },
  );

  app.get(
    '/catalog/operators',
    {
      ...needs('read'),
      schema: {
        tags: ['catalog'],
        summary: 'Operators with in-stock tiers for a country and platform',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object({ country_id: Id32, platform_id: Id32 }),
        response: { 200: success(Type.Array(Operator)), ...errorResponses(401, 422, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const input = { countryId: request.query.country_id, platformId: request.query.platform_id };
      return bodies.send(
        request,
        reply,
        await at(`smscode|operators|${input.countryId}|${input.platformId}`),
        async () => {
          const operators = await listOperators({ ctx, input });
          return json(reply, {
            success: true as const,
            data: operators.map((o) => ({
              operator_id: o.operatorId,
              code: o.code,
              name: o.name,
              local_name: o.localName,
            })),
          });
        },
      );
    },
  );

  app.get(
    '/catalog/products',
    {
      ...needs('read'),
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
    async (request, reply) => {
      // /v2 reads its rate first, so one receipt covers every price in the response.
      const fx = version === 'v2' ? fxReceipt(await getUsdRate({ ctx })) : undefined;
      const query = productQuery(request.query);
      const money = fx ? `usd:${fx.rate}:${fx.rate_as_of}` : 'idr';
      const key = `${version}|products|${money}|${JSON.stringify(query)}`;
      return bodies.send(request, reply, await at(key), async () => {
        const { items, page, limit } = await listProducts({ ctx, input: query });
        const meta = { page, limit, count: items.length };
        return json(
          reply,
          fx
            ? {
                success: true as const,
                data: items.map((p) => ({ ...productFields(p), price: usdMoney(p.price, fx, 4) })),
                meta: { ...meta, fx },
              }
            : {
                success: true as const,
                data: items.map((p) => ({ ...productFields(p), price: p.price })),
                meta,
              },
        );
      });
    },
  );

  if (version === 'v1') {
    app.get(
      '/catalog/exchange-rate',
      {
        ...needs('read'),
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
      ...needs('read'),
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
