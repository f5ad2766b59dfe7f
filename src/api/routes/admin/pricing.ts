import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { listFxRates, setFxRate } from '../../../pricing/fx-rates.ts';
import {
  deleteMarkupRule,
  listMarkupRules,
  MAX_ADD_IDR,
  type MarkupRule,
  setMarkupRule,
} from '../../../pricing/markup-rules.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { FiniteNumber, Id32, MoneyIdr } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';

const Rule = Type.Object(
  {
    id: Type.Integer(),
    scope: Type.String(),
    provider_id: Nullable(Type.Integer()),
    country_id: Nullable(Type.Integer()),
    platform_id: Nullable(Type.Integer()),
    multiplier: Type.String(),
    add_idr: Type.Integer(),
  },
  { additionalProperties: false },
);

const Rate = Type.Object(
  { currency: Type.String(), idr_per_unit: Type.String(), source: Type.String(), updated_at: Type.String() },
  { additionalProperties: false },
);

const ruleView = (r: MarkupRule) => ({
  id: r.id,
  scope: r.scope,
  provider_id: r.providerId,
  country_id: r.countryId,
  platform_id: r.platformId,
  multiplier: r.multiplier,
  add_idr: r.addIdr,
});

/** Markup rules and exchange rates. New prices apply at each provider's next sync. */
export const pricingAdminRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const errors = errorResponses(401, 403, 404, 422, 500);

  app.get(
    '/markup-rules',
    {
      schema: {
        tags: ['admin'],
        summary: 'Markup rules',
        response: { 200: success(Type.Array(Rule)), ...errors },
      },
    },
    async () => ({ success: true as const, data: (await listMarkupRules({ ctx })).map(ruleView) }),
  );

  app.put(
    '/markup-rules',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create or replace the rule of one scope (global, provider, country, platform)',
        body: Type.Object(
          {
            scope: Type.Union([
              Type.Literal('global'),
              Type.Literal('provider'),
              Type.Literal('country'),
              Type.Literal('platform'),
            ]),
            provider_id: Type.Optional(Id32),
            country_id: Type.Optional(Id32),
            platform_id: Type.Optional(Id32),
            multiplier: FiniteNumber({ minimum: 1, maximum: 100 }),
            add_idr: Type.Optional(MoneyIdr({ maximum: MAX_ADD_IDR })),
          },
          { additionalProperties: false },
        ),
        response: { 200: success(Rule), ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      const rule = await setMarkupRule({
        ctx,
        input: {
          scope: b.scope,
          providerId: b.provider_id,
          countryId: b.country_id,
          platformId: b.platform_id,
          multiplier: b.multiplier,
          addIdr: b.add_idr,
          actor: actorOf(request),
        },
      });
      return { success: true as const, data: ruleView(rule) };
    },
  );

  app.delete(
    '/markup-rules/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Remove a rule (the global default stays)',
        params: Type.Object({ id: Id32 }),
        response: { 200: success(Type.Object({ deleted: Type.Boolean() })), ...errors },
      },
    },
    async (request) => {
      await deleteMarkupRule({ ctx, input: { id: request.params.id, actor: actorOf(request) } });
      return { success: true as const, data: { deleted: true } };
    },
  );

  app.get(
    '/fx-rates',
    {
      schema: {
        tags: ['admin'],
        summary: 'Exchange rates (IDR per unit)',
        response: { 200: success(Type.Array(Rate)), ...errors },
      },
    },
    async () => ({
      success: true as const,
      data: (await listFxRates({ ctx })).map((r) => ({
        currency: r.currency,
        idr_per_unit: r.idrPerUnit,
        source: r.source,
        updated_at: r.updatedAt.toISOString(),
      })),
    }),
  );

  app.put(
    '/fx-rates/:currency',
    {
      schema: {
        tags: ['admin'],
        summary: 'Set a rate; it is kept across restarts',
        params: Type.Object({ currency: Type.Union([Type.Literal('USD'), Type.Literal('RUB')]) }),
        body: Type.Object(
          { idr_per_unit: FiniteNumber({ exclusiveMinimum: 0 }) },
          { additionalProperties: false },
        ),
        response: { 200: success(Rate), ...errors },
      },
    },
    async (request) => {
      const r = await setFxRate({
        ctx,
        input: {
          currency: request.params.currency,
          idrPerUnit: request.body.idr_per_unit,
          actor: actorOf(request),
        },
      });
      return {
        success: true as const,
        data: {
          currency: r.currency,
          idr_per_unit: r.idrPerUnit,
          source: r.source,
          updated_at: r.updatedAt.toISOString(),
        },
      };
    },
  );
};
