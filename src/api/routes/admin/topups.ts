import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { GATEWAY_CODES } from '../../../payments/gateway-port.ts';
import { resolveTopupReview } from '../../../payments/resolve-topup-review.ts';
import { searchTopups } from '../../../payments/search-topups.ts';
import type { TopupRecord } from '../../../payments/topup.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { Clamped, SafeId } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';

const STATUSES = ['created', 'pending', 'credited', 'failed', 'expired', 'review'] as const;
const Time = Nullable(Type.String({ format: 'date-time' }));

const TopupAdminView = Type.Object(
  {
    id: Type.String({ description: 'np-topup-<n>' }),
    account_id: Type.Integer(),
    gateway: Type.String(),
    status: Type.String(),
    amount: Type.String(),
    currency: Type.String(),
    method: Nullable(Type.String()),
    expected_idr: Type.Integer(),
    gateway_payment_id: Nullable(Type.String()),
    paid_amount: Nullable(Type.String()),
    credited_idr: Nullable(Type.Integer()),
    refunded_idr: Type.Integer(),
    disputed_idr: Type.Integer(),
    review_reason: Nullable(Type.String()),
    review_decision: Nullable(Type.String({ description: 'credit or reject' })),
    review_note: Nullable(Type.String()),
    reviewed_at: Time,
    expires_at: Time,
    credited_at: Time,
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const iso = (date: Date | null) => date?.toISOString() ?? null;

const view = (t: TopupRecord) => ({
  id: t.publicId,
  account_id: t.accountId,
  gateway: t.gateway,
  status: t.status,
  amount: t.requestedAmount,
  currency: t.requestedCurrency,
  method: t.method,
  expected_idr: t.expectedIdr,
  gateway_payment_id: t.gatewayPaymentId,
  paid_amount: t.paidAmount,
  credited_idr: t.creditedIdr,
  refunded_idr: t.refundedIdr,
  disputed_idr: t.disputedIdr,
  review_reason: t.reviewReason,
  review_decision: t.reviewDecision,
  review_note: t.reviewNote,
  reviewed_at: iso(t.reviewedAt),
  expires_at: iso(t.expiresAt),
  credited_at: iso(t.creditedAt),
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
});

/** Top-ups of every account for operators, and their decision on the ones in review. */
export const topupAdminRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['admin'];

  app.get(
    '/topups',
    {
      schema: {
        tags,
        summary:
          'Top-ups of every account, newest first (keyset paging with before_id); status=review for the review queue',
        querystring: Type.Object({
          status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s)))),
          gateway: Type.Optional(Type.Union(GATEWAY_CODES.map((c) => Type.Literal(c)))),
          account_id: Type.Optional(SafeId),
          before_id: Type.Optional(SafeId),
          limit: Type.Optional(Clamped({ description: '1-200, default 50' })),
        }),
        response: { 200: success(Type.Array(TopupAdminView)), ...errorResponses(401, 403, 422, 500) },
      },
    },
    async (request) => {
      const q = request.query;
      const found = await searchTopups({
        ctx,
        input: {
          status: q.status,
          gateway: q.gateway,
          accountId: q.account_id,
          beforeId: q.before_id,
          limit: q.limit,
        },
      });
      return { success: true as const, data: found.map(view) };
    },
  );

  app.post(
    '/topups/:id/resolve',
    {
      schema: {
        tags,
        summary:
          'Decide a top-up in review: credit (re-checked with the gateway; what it says was paid, once) or reject (it fails)',
        params: Type.Object({ id: Type.String({ pattern: '^(np-topup-)?[0-9]{1,15}$' }) }),
        body: Type.Object(
          {
            action: Type.Union([Type.Literal('credit'), Type.Literal('reject')]),
            note: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: success(
            Type.Object(
              {
                topup: TopupAdminView,
                transfer_id: Nullable(Type.Integer()),
                credited_idr: Nullable(Type.Integer()),
                gateway_status: Nullable(Type.String()),
              },
              { additionalProperties: false },
            ),
          ),
          ...errorResponses(401, 403, 404, 409, 422, 500, 503),
        },
      },
    },
    async (request) => {
      const ref = request.params.id;
      const resolved = await resolveTopupReview({
        ctx,
        input: {
          topupId: /^[0-9]+$/.test(ref) ? Number(ref) : ref,
          action: request.body.action,
          note: request.body.note,
          actor: actorOf(request),
        },
      });
      return {
        success: true as const,
        data: {
          topup: view(resolved.topup),
          transfer_id: resolved.transferId,
          credited_idr: resolved.creditedIdr,
          gateway_status: resolved.gatewayStatus,
        },
      };
    },
  );
};
