import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { getProvider, listProviders } from '../../../providers/list-providers.ts';
import type { ProviderRecord } from '../../../providers/provider.ts';
import { auditedProvider, createProvider, updateProvider } from '../../../providers/save-provider.ts';
import { syncProviderOffers } from '../../../providers/sync-offers.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { Int32, Int32In } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';

const Currency = Type.Union([Type.Literal('USD'), Type.Literal('RUB'), Type.Literal('IDR')]);
const Settings = Type.Object(
  {},
  { additionalProperties: true, description: 'adapter options, e.g. {"dialect":"json"}' },
);

const ProviderView = Type.Object(
  {
    id: Type.Integer(),
    code: Type.String(),
    kind: Type.String(),
    name: Type.String(),
    enabled: Type.Boolean(),
    priority: Type.Integer(),
    base_url: Type.String(),
    currency: Type.String(),
    timeout_ms: Type.Integer(),
    settings: Settings,
    sandbox: Type.Boolean(),
    has_credential: Type.Boolean(),
    push_url_path: Type.String({
      description: 'where this provider may push SMS (append to the public base URL)',
    }),
    last_sync_at: Nullable(Type.String()),
    last_sync_error: Nullable(Type.String()),
    health: Type.Object({
      circuit: Type.String(),
      consecutive_failures: Type.Integer(),
      last_error: Nullable(Type.String()),
    }),
  },
  { additionalProperties: false },
);

const Editable = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  enabled: Type.Optional(Type.Boolean()),
  priority: Type.Optional(Int32),
  base_url: Type.Optional(Type.String({ maxLength: 2048 })),
  credential: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 4096 }))),
  currency: Type.Optional(Currency),
  timeout_ms: Type.Optional(Int32In(100, 120_000)),
  settings: Type.Optional(Settings),
};

const Params = Type.Object({ ref: Type.String({ description: 'provider id or code' }) });

/** Provider settings for operators. Credentials go in, never come out. */
export const providerAdminRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const view = (p: ProviderRecord) => {
    const health = ctx.upstreams.health.snapshot(p.id);
    return {
      id: p.id,
      // What the audit log keeps of a provider, and what only an operator's screen shows.
      ...auditedProvider(p),
      sandbox: p.sandbox,
      push_url_path: `/hooks/providers/${p.code}?secret=${p.hookSecret}`,
      last_sync_at: p.lastSyncAt?.toISOString() ?? null,
      last_sync_error: p.lastSyncError,
      health: {
        circuit: health.circuit,
        consecutive_failures: health.consecutiveFailures,
        last_error: health.lastError,
      },
    };
  };
  const changes = (body: {
    name?: string;
    enabled?: boolean;
    priority?: number;
    base_url?: string;
    credential?: string | null;
    currency?: 'USD' | 'RUB' | 'IDR';
    timeout_ms?: number;
    settings?: object;
  }) => ({
    name: body.name,
    enabled: body.enabled,
    priority: body.priority,
    baseUrl: body.base_url,
    credential: body.credential,
    currency: body.currency,
    timeoutMs: body.timeout_ms,
    settings: body.settings as Record<string, unknown> | undefined,
  });
  const errors = errorResponses(401, 403, 404, 409, 422, 500);

  app.get(
    '/providers',
    {
      schema: {
        tags: ['admin'],
        summary: 'List providers',
        response: { 200: success(Type.Array(ProviderView)), ...errors },
      },
    },
    async () => ({ success: true as const, data: (await listProviders({ ctx })).map(view) }),
  );

  app.post(
    '/providers',
    {
      schema: {
        tags: ['admin'],
        summary: 'Add a provider',
        body: Type.Object(
          {
            code: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' }),
            kind: Type.Union([Type.Literal('handler'), Type.Literal('fivesim')]),
            ...Editable,
            base_url: Type.String({ maxLength: 2048 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: success(ProviderView), ...errors },
      },
    },
    async (request) => {
      const { code, kind, ...rest } = request.body;
      const created = await createProvider({
        ctx,
        input: {
          code,
          kind,
          ...changes(rest),
          baseUrl: rest.base_url,
          credential: rest.credential ?? undefined,
          actor: actorOf(request),
        },
      });
      return { success: true as const, data: view(created) };
    },
  );

  app.get(
    '/providers/:ref',
    {
      schema: {
        tags: ['admin'],
        summary: 'One provider',
        params: Params,
        response: { 200: success(ProviderView), ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      data: view(await getProvider({ ctx, input: { ref: request.params.ref } })),
    }),
  );

  app.patch(
    '/providers/:ref',
    {
      schema: {
        tags: ['admin'],
        summary: 'Change a provider (credential: null removes it)',
        params: Params,
        body: Type.Object(Editable, { additionalProperties: false, minProperties: 1 }),
        response: { 200: success(ProviderView), ...errors },
      },
    },
    async (request) => {
      const updated = await updateProvider({
        ctx,
        input: { ref: request.params.ref, changes: changes(request.body), actor: actorOf(request) },
      });
      return { success: true as const, data: view(updated) };
    },
  );

  app.post(
    '/providers/:ref/sync',
    {
      schema: {
        tags: ['admin'],
        summary: "Refresh a provider's offers now",
        params: Params,
        response: {
          200: success(
            Type.Object({
              provider_id: Type.Integer(),
              offers: Type.Integer(),
              unknown_codes: Type.Integer(),
              withdrawn: Type.Integer(),
              duration_ms: Type.Integer(),
            }),
          ),
          ...errors,
        },
      },
    },
    async (request) => {
      const provider = await getProvider({ ctx, input: { ref: request.params.ref } });
      const summary = await syncProviderOffers({
        ctx,
        input: { providerId: provider.id, actor: actorOf(request) },
      });
      return {
        success: true as const,
        data: {
          provider_id: summary.providerId,
          offers: summary.offers,
          unknown_codes: summary.unknownCodes,
          withdrawn: summary.withdrawn,
          duration_ms: summary.durationMs,
        },
      };
    },
  );
};
