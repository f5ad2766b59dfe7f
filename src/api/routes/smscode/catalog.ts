import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { listCountries } from '../../../catalog/list-countries.ts';
import { listServices } from '../../../catalog/list-services.ts';
import type { AppContext } from '../../../platform/context.ts';
import { Country, errorResponses, Id32, Service, success } from './schemas.ts';

/** Money-free catalog reads: byte-identical on /v1 and /v2. */
export const catalogRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
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
};
