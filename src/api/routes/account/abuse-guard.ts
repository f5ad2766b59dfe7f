import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { type AbuseGuardState, getAbuseGuardState } from '../../../abuse/get-abuse-guard-state.ts';
import type { AppContext } from '../../../app-context.ts';
import { principalOf } from '../../plugins/api-key-auth.ts';
import { needs } from '../../plugins/route-scopes.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';

export const AbuseGuardView = Type.Object(
  {
    banned: Type.Boolean(),
    until: Nullable(Type.String({ format: 'date-time', description: 'when creating orders works again' })),
    tier: Nullable(Type.Integer({ minimum: 1, description: 'the ban’s escalation step (1 = first)' })),
    retry_after_seconds: Type.Integer({ minimum: 0 }),
    recent: Type.Object(
      {
        orders: Type.Integer({ minimum: 0 }),
        failed: Type.Integer({ minimum: 0, description: 'ended without an SMS (canceled or expired)' }),
        failure_rate: Type.Number({ minimum: 0, maximum: 1 }),
      },
      {
        additionalProperties: false,
        description: 'while banned, the orders that tripped the ban; otherwise those the next judgment sees',
      },
    ),
    thresholds: Type.Object(
      {
        enabled: Type.Boolean(),
        window_orders: Type.Integer(),
        min_orders: Type.Integer(),
        failure_rate: Type.Number(),
        ban_minutes: Type.Integer({
          description: 'the first ban; each repeat within 24 h doubles, up to 7 days',
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export function abuseGuardView(state: AbuseGuardState) {
  return {
    banned: state.banned,
    until: state.until?.toISOString() ?? null,
    tier: state.tier,
    retry_after_seconds: state.retryAfterSeconds,
    recent: {
      orders: state.recent.orders,
      failed: state.recent.failed,
      failure_rate: state.recent.failureRate,
    },
    thresholds: {
      enabled: state.thresholds.enabled,
      window_orders: state.thresholds.windowOrders,
      min_orders: state.thresholds.minOrders,
      failure_rate: state.thresholds.failureRate,
      ban_minutes: state.thresholds.banMinutes,
    },
  };
}

/** The caller's own standing with the abuse guard (there is no account id: it is always one's own). */
export const abuseGuardRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/abuse-guard',
    {
      ...needs('read'),
      schema: {
        tags: ['account'],
        summary: 'Whether creating orders is blocked for too many orders without an SMS, and why',
        response: { 200: success(AbuseGuardView), ...errorResponses(401, 403, 500) },
      },
    },
    async (request) => {
      const { accountId } = principalOf(request);
      return {
        success: true as const,
        data: abuseGuardView(await getAbuseGuardState({ ctx, input: { accountId } })),
      };
    },
  );
};
