import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { ApiKeyView } from '../../../accounts/api-key-view.ts';
import { createApiKey } from '../../../accounts/create-api-key.ts';
import { listApiKeys } from '../../../accounts/list-api-keys.ts';
import { revokeApiKey } from '../../../accounts/revoke-api-key.ts';
import { updateApiKey } from '../../../accounts/update-api-key.ts';
import type { AppContext } from '../../../app-context.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { principalOf } from '../../plugins/api-key-auth.ts';
import { MoneyIdr, SafeId } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';

const KeyFields = {
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: 'the first characters of the key, to tell keys apart' }),
  scopes: Type.Array(Type.String()),
  ip_allowlist: Nullable(Type.Array(Type.String(), { description: 'CIDR ranges; null: any address' })),
  daily_spend_limit: Nullable(Type.Integer({ description: 'IDR per UTC day; null: no limit' })),
  spent_today: Type.Integer({ description: 'IDR held or charged today (UTC) by orders of this key' }),
  last_used_at: Nullable(Type.String({ format: 'date-time' })),
  last_used_ip: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  revoked_at: Nullable(Type.String({ format: 'date-time' })),
};
const ApiKey = Type.Object(KeyFields, { additionalProperties: false });
const NewApiKey = Type.Object(
  { ...KeyFields, key: Type.String({ description: 'shown this once; only its hash is kept' }) },
  { additionalProperties: false },
);

const view = (k: ApiKeyView) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  ip_allowlist: k.ipAllowlist,
  daily_spend_limit: k.dailySpendLimit,
  spent_today: k.spentToday,
  last_used_at: k.lastUsedAt?.toISOString() ?? null,
  last_used_ip: k.lastUsedIp,
  created_at: k.createdAt.toISOString(),
  revoked_at: k.revokedAt?.toISOString() ?? null,
});

const settings = {
  scopes: Type.Array(Type.String({ maxLength: 32 }), {
    maxItems: 8,
    description: 'read | orders | webhook | billing',
  }),
  // null first: the validator coerces types, and tried the other way round it would read null as [""].
  ip_allowlist: Type.Union([
    Type.Null(),
    Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64, description: 'IPv4/IPv6 addresses or CIDRs' }),
  ]),
  daily_spend_limit: Nullable(MoneyIdr({ minimum: 1 })),
};
const Name = Type.String({ minLength: 1, maxLength: 64 });
const KeyParams = Type.Object({ id: SafeId });

/**
 * The customer's API keys at /api/keys: several named keys, each with scopes, an address allowlist and a
 * daily spend limit. Managed from a signed-in session only (cookie and CSRF token): an API key gets 403.
 */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['account'];

  app.get(
    '/keys',
    {
      schema: {
        tags,
        summary: 'API keys of the signed-in account (never the keys themselves)',
        response: { 200: success(Type.Array(ApiKey)), ...errorResponses(401, 403, 500) },
      },
    },
    async (request) => {
      const keys = await listApiKeys({ ctx, input: { accountId: principalOf(request).accountId } });
      return { success: true as const, data: keys.map(view) };
    },
  );

  app.post(
    '/keys',
    {
      schema: {
        tags,
        summary: 'Create an API key; the answer shows it once',
        description:
          'With an Idempotency-Key, a repeat of the request makes no second key: it is a 409 CONFLICT whose details.api_key_id names the key the first request made.',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ description: '^[A-Za-z0-9_-]{1,128}$' })),
        }),
        body: Type.Object(
          {
            name: Name,
            scopes: Type.Optional(settings.scopes),
            ip_allowlist: Type.Optional(settings.ip_allowlist),
            daily_spend_limit: Type.Optional(settings.daily_spend_limit),
          },
          { additionalProperties: false },
        ),
        response: { 201: success(NewApiKey), ...errorResponses(401, 403, 409, 422, 500) },
      },
    },
    async (request, reply) => {
      const { key, view: created } = await createApiKey({
        ctx,
        input: {
          actor: actorOf(request),
          accountId: principalOf(request).accountId,
          settings: {
            name: request.body.name,
            scopes: request.body.scopes,
            ipAllowlist: request.body.ip_allowlist,
            dailySpendLimit: request.body.daily_spend_limit,
          },
          requestKey: request.headers['idempotency-key'],
        },
      });
      reply.code(201);
      return { success: true as const, data: { ...view(created), key } };
    },
  );

  app.patch(
    '/keys/:id',
    {
      schema: {
        tags,
        summary: "Change a key's name, scopes, allowlist or daily spend limit (null clears the last two)",
        params: KeyParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            scopes: Type.Optional(settings.scopes),
            ip_allowlist: Type.Optional(settings.ip_allowlist),
            daily_spend_limit: Type.Optional(settings.daily_spend_limit),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: success(ApiKey), ...errorResponses(401, 403, 404, 409, 422, 500) },
      },
    },
    async (request) => {
      const updated = await updateApiKey({
        ctx,
        input: {
          actor: actorOf(request),
          accountId: principalOf(request).accountId,
          keyId: request.params.id,
          settings: {
            name: request.body.name,
            scopes: request.body.scopes,
            ipAllowlist: request.body.ip_allowlist,
            dailySpendLimit: request.body.daily_spend_limit,
          },
        },
      });
      return { success: true as const, data: view(updated) };
    },
  );

  app.delete(
    '/keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a key: refused from the next request on, on every node',
        params: KeyParams,
        response: { 200: success(ApiKey), ...errorResponses(401, 403, 404, 500) },
      },
    },
    async (request) => {
      const revoked = await revokeApiKey({
        ctx,
        input: {
          actor: actorOf(request),
          accountId: principalOf(request).accountId,
          keyId: request.params.id,
        },
      });
      return { success: true as const, data: view(revoked) };
    },
  );
};
