import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { configureGateway, type GatewayView } from '../../../payments/configure-gateway.ts';
import { GATEWAY_CODES } from '../../../payments/gateway-port.ts';
import { listGateways } from '../../../payments/list-gateways.ts';
import { listPaymentMismatches } from '../../../payments/list-payment-mismatches.ts';
import {
  listRejectedNotifications,
  type RejectedNotification,
} from '../../../payments/list-rejected-notifications.ts';
import type { PaymentMismatch } from '../../../payments/payment-mismatch.ts';
import { reconcileTopups } from '../../../payments/reconcile-topups.ts';
import { resolvePaymentMismatch } from '../../../payments/resolve-payment-mismatch.ts';
import { setTopupBonus } from '../../../payments/set-topup-bonus.ts';
import { getTopupBonus } from '../../../payments/topup-bonus-tiers.ts';
import { type BonusTier, MAX_BONUS_TIERS } from '../../../payments/topup-terms.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { Clamped, Int32In, SafeId } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';
import { NoteBody } from './views.ts';

const Gateway = Type.Object(
  {
    code: Type.String(),
    enabled: Type.Boolean(),
    base_url: Type.String(),
    min_amount: Nullable(Type.String()),
    max_amount: Nullable(Type.String()),
    fee_percent: Type.String(),
    currencies: Type.Array(Type.String()),
    methods: Type.Array(Type.String()),
    timeout_ms: Type.Integer(),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const view = (g: GatewayView) => ({
  code: g.code,
  enabled: g.enabled,
  base_url: g.baseUrl,
  min_amount: g.minAmount,
  max_amount: g.maxAmount,
  fee_percent: g.feePercent,
  currencies: g.currencies,
  methods: g.methods,
  timeout_ms: g.timeoutMs,
  updated_at: g.updatedAt.toISOString(),
});

const Time = Nullable(Type.String({ format: 'date-time' }));

const Mismatch = Type.Object(
  {
    id: Type.Integer(),
    gateway: Type.String(),
    gateway_payment_id: Type.String(),
    topup_id: Nullable(Type.String({ description: 'np-topup-<n>, when the payment belongs to one' })),
    kind: Type.String({ description: 'unknown_payment or credited_not_paid' }),
    detail: Type.String(),
    first_seen_at: Type.String({ format: 'date-time' }),
    last_seen_at: Type.String({ format: 'date-time' }),
    seen_count: Type.Integer(),
    resolved_at: Time,
    resolved_by: Nullable(Type.String({ description: 'account, cli or system' })),
    resolved_by_account_id: Nullable(Type.Integer()),
    note: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

const Tier = Type.Object(
  {
    min_idr: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000, description: 'paid at least, in IDR' }),
    percent: Type.String({
      pattern: '^[0-9]{1,3}(\\.[0-9]{1,2})?$',
      description: 'of the paid IDR, e.g. "4"',
    }),
  },
  { additionalProperties: false },
);

const mismatchView = (m: PaymentMismatch) => ({
  id: m.id,
  gateway: m.gateway,
  gateway_payment_id: m.gatewayPaymentId,
  topup_id: m.topupId,
  kind: m.kind,
  detail: m.detail,
  first_seen_at: m.firstSeenAt.toISOString(),
  last_seen_at: m.lastSeenAt.toISOString(),
  seen_count: m.seenCount,
  resolved_at: m.resolvedAt?.toISOString() ?? null,
  resolved_by: m.resolvedBy,
  resolved_by_account_id: m.resolvedByAccountId,
  note: m.note,
});

const Refused = Type.Object(
  {
    id: Type.Integer(),
    gateway: Type.String(),
    reason: Type.String({
      description: 'bad_signature, wrong_merchant, malformed, stale or unknown_topup',
    }),
    source_ip: Nullable(Type.String()),
    headers: Type.Record(Type.String(), Type.String(), {
      description: 'as received, without the headers that carry signatures or credentials',
    }),
    body_excerpt: Nullable(Type.String({ description: 'the first 2,000 characters' })),
    received_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const refusedView = (r: RejectedNotification) => ({
  id: r.id,
  gateway: r.gateway,
  reason: r.reason,
  source_ip: r.sourceIp,
  headers: r.headers,
  body_excerpt: r.bodyExcerpt,
  received_at: r.receivedAt.toISOString(),
});

const Bonus = Type.Object({ tiers: Type.Array(Tier) }, { additionalProperties: false });

const bonusView = (b: { tiers: BonusTier[] }) => ({
  tiers: b.tiers.map((t) => ({ min_idr: t.minIdr, percent: t.percent })),
});

const Amount = Type.String({ pattern: '^[0-9]{1,12}(\\.[0-9]{1,2})?$' });

/**
 * Payment gateways (credentials are written, never read back), reconciliation on demand, the payment
 * mismatches it found, and the notifications that were refused.
 */
export const paymentAdminRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['admin'];
  const errors = errorResponses(401, 403, 404, 422, 500);

  app.get(
    '/payment-gateways',
    {
      schema: {
        tags,
        summary: 'Payment gateways',
        response: { 200: success(Type.Array(Gateway)), ...errors },
      },
    },
    async () => ({
      success: true as const,
      data: (await listGateways({ ctx, input: { enabledOnly: false } })).map(view),
    }),
  );

  app.put(
    '/payment-gateways/:code',
    {
      schema: {
        tags,
        summary: 'Configure a payment gateway (credentials kept sealed; omit them to keep the stored ones)',
        params: Type.Object({ code: Type.Union(GATEWAY_CODES.map((c) => Type.Literal(c))) }),
        body: Type.Object(
          {
            enabled: Type.Boolean(),
            base_url: Type.String({ pattern: '^https?://', maxLength: 500 }),
            credentials: Type.Optional(
              Type.Record(Type.String({ maxLength: 40 }), Type.String({ minLength: 1, maxLength: 500 })),
            ),
            currencies: Type.Array(Type.String({ pattern: '^[A-Z]{3}$' }), { minItems: 1, maxItems: 10 }),
            methods: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z0-9]{1,4}$' }), { maxItems: 50 })),
            min_amount: Type.Optional(Nullable(Amount)),
            max_amount: Type.Optional(Nullable(Amount)),
            fee_percent: Type.Optional(Type.String({ pattern: '^[0-9]{1,2}(\\.[0-9]{1,2})?$' })),
            timeout_ms: Type.Optional(Int32In(100, 60_000)),
          },
          { additionalProperties: false },
        ),
        response: { 200: success(Gateway), ...errors },
      },
    },
    async (request) => {
      const body = request.body;
      const gateway = await configureGateway({
        ctx,
        input: {
          code: request.params.code,
          enabled: body.enabled,
          baseUrl: body.base_url,
          credentials: body.credentials,
          currencies: body.currencies,
          methods: body.methods,
          minAmount: body.min_amount,
          maxAmount: body.max_amount,
          feePercent: body.fee_percent,
          timeoutMs: body.timeout_ms,
          actor: actorOf(request),
        },
      });
      return { success: true as const, data: view(gateway) };
    },
  );

  app.get(
    '/topup-bonus',
    {
      schema: {
        tags,
        summary: 'Loyalty bonus tiers for top-ups',
        response: { 200: success(Bonus), ...errors },
      },
    },
    async () => ({ success: true as const, data: bonusView(await getTopupBonus({ ctx })) }),
  );

  app.put(
    '/topup-bonus',
    {
      schema: {
        tags,
        summary:
          'Set the loyalty bonus tiers (replacing them; an empty list switches bonuses off). Top-ups already started keep theirs',
        body: Type.Object(
          { tiers: Type.Array(Tier, { maxItems: MAX_BONUS_TIERS }) },
          { additionalProperties: false },
        ),
        response: { 200: success(Bonus), ...errors },
      },
    },
    async (request) => {
      const bonus = await setTopupBonus({
        ctx,
        input: {
          tiers: request.body.tiers.map((t) => ({ minIdr: t.min_idr, percent: t.percent })),
          actor: actorOf(request),
        },
      });
      return { success: true as const, data: bonusView(bonus) };
    },
  );

  app.post(
    '/payments/reconcile',
    {
      schema: {
        tags,
        summary:
          'Re-check recent top-ups with their gateways now (lists of payments where a gateway has one)',
        response: {
          200: success(
            Type.Object(
              {
                listed: Type.Integer({ description: "payments read from the gateways' own lists" }),
                checked: Type.Integer({ description: 'top-ups re-checked one by one' }),
                credited: Type.Integer(),
                refunded: Type.Integer({
                  description: 'credited top-ups whose refund at the gateway was debited',
                }),
                rerun: Type.Integer({
                  description: 'stored notifications whose job had given up, processed now',
                }),
                mismatches: Type.Object(
                  {
                    found: Type.Integer({ description: 'unresolved mismatches this run saw' }),
                    new: Type.Integer({ description: 'of those, first seen by this run' }),
                    open: Type.Integer({ description: 'all unresolved mismatches' }),
                  },
                  { additionalProperties: false },
                ),
                unreachable: Type.Array(Type.String()),
              },
              { additionalProperties: false },
            ),
          ),
          ...errors,
        },
      },
    },
    async () => ({ success: true as const, data: await reconcileTopups({ ctx }) }),
  );

  app.get(
    '/payments/mismatches',
    {
      schema: {
        tags,
        summary: 'Payment mismatches the reconciler found, newest first (open by default)',
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
          before_id: Type.Optional(SafeId),
          limit: Type.Optional(Clamped({ description: '1-200, default 50' })),
        }),
        response: { 200: success(Type.Array(Mismatch)), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const found = await listPaymentMismatches({
        ctx,
        input: { status: q.status, beforeId: q.before_id, limit: q.limit },
      });
      return { success: true as const, data: found.map(mismatchView) };
    },
  );

  app.get(
    '/payments/refused-notifications',
    {
      schema: {
        tags,
        summary: 'Payment notifications numpool refused and credited nothing for, newest first',
        querystring: Type.Object({
          gateway: Type.Optional(Type.Union(GATEWAY_CODES.map((c) => Type.Literal(c)))),
          before_id: Type.Optional(SafeId),
          limit: Type.Optional(Clamped({ description: '1-200, default 50' })),
        }),
        response: { 200: success(Type.Array(Refused)), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const found = await listRejectedNotifications({
        ctx,
        input: { gateway: q.gateway, beforeId: q.before_id, limit: q.limit },
      });
      return { success: true as const, data: found.map(refusedView) };
    },
  );

  app.post(
    '/payments/mismatches/:id/resolve',
    {
      schema: {
        tags,
        summary: 'Resolve a payment mismatch with a note of what was done (once; CONFLICT after)',
        params: Type.Object({ id: SafeId }),
        body: NoteBody,
        response: { 200: success(Mismatch), ...errorResponses(401, 403, 404, 409, 422, 500) },
      },
    },
    async (request) => {
      const resolved = await resolvePaymentMismatch({
        ctx,
        input: { id: request.params.id, note: request.body.note, actor: actorOf(request) },
      });
      return { success: true as const, data: mismatchView(resolved) };
    },
  );
};
