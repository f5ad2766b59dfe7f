import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { ledgerHistory } from '../../../ledger/ledger-history.ts';
import { GATEWAY_CODES } from '../../../payments/gateway-port.ts';
import { listGateways } from '../../../payments/list-gateways.ts';
import { getTopup, listTopups } from '../../../payments/list-topups.ts';
import { startTopup } from '../../../payments/start-topup.ts';
import type { TopupRecord } from '../../../payments/topup.ts';
import { estimatedWalletCredit, walletCreditOfTopup } from '../../../payments/topup-terms.ts';
import { principalOf } from '../../plugins/api-key-auth.ts';
import { needs } from '../../plugins/route-scopes.ts';
import { Clamped, SafeId } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';

const Topup = Type.Object(
  {
    id: Type.String({ description: 'np-topup-<n>' }),
    gateway: Type.String(),
    status: Type.String({ description: 'created, pending, credited, failed, expired or review' }),
    amount: Type.String({ description: 'asked, in `currency`' }),
    currency: Type.String(),
    method: Nullable(Type.String()),
    expected_idr: Type.Integer(),
    paid_amount: Nullable(Type.String()),
    credited_idr: Nullable(Type.Integer({ description: 'the payment’s IDR value, deposited in full' })),
    fee_percent: Type.String({ description: 'the gateway fee, fixed when the top-up was created' }),
    fee_idr: Type.Integer({ description: 'charged at credit (0 before)' }),
    bonus_percent: Nullable(Type.String({ description: 'the loyalty tier applied at credit' })),
    bonus_idr: Type.Integer(),
    estimated_credit_idr: Type.Integer({
      description: 'what the wallet gets if paid as asked: expected_idr − fee + bonus',
    }),
    wallet_credit_idr: Nullable(
      Type.Integer({ description: 'what the wallet got: credited_idr − fee_idr + bonus_idr' }),
    ),
    payment_url: Nullable(Type.String()),
    qr_string: Nullable(Type.String()),
    va_number: Nullable(Type.String()),
    expires_at: Nullable(Type.String({ format: 'date-time' })),
    credited_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const view = (t: TopupRecord) => ({
  id: t.publicId,
  gateway: t.gateway,
  status: t.status,
  amount: t.requestedAmount,
  currency: t.requestedCurrency,
  method: t.method,
  expected_idr: t.expectedIdr,
  paid_amount: t.paidAmount,
  credited_idr: t.creditedIdr,
  fee_percent: t.feePercent,
  fee_idr: t.feeIdr,
  bonus_percent: t.bonusPercent,
  bonus_idr: t.bonusIdr,
  estimated_credit_idr: estimatedWalletCredit(t),
  wallet_credit_idr: walletCreditOfTopup(t),
  payment_url: t.paymentUrl,
  qr_string: t.qrString,
  va_number: t.vaNumber,
  expires_at: t.expiresAt?.toISOString() ?? null,
  credited_at: t.creditedAt?.toISOString() ?? null,
  created_at: t.createdAt.toISOString(),
});

const Entry = Type.Object(
  {
    transfer_id: Type.Integer(),
    code: Type.String({
      description:
        'deposit, gateway_deposit, topup_fee, topup_bonus, order_charge, order_refund, topup_debit, topup_bonus_clawback, …',
    }),
    amount: Type.Integer({ description: 'IDR, positive into the wallet' }),
    balance_after: Type.Integer(),
    reference: Nullable(Type.String()),
    memo: Nullable(Type.String()),
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const Gateway = Type.Object(
  {
    code: Type.String(),
    currencies: Type.Array(Type.String()),
    methods: Type.Array(Type.String()),
    min_amount: Nullable(Type.String()),
    max_amount: Nullable(Type.String()),
    fee_percent: Type.String({ description: 'deducted from what is credited, e.g. "2.900"' }),
  },
  { additionalProperties: false },
);

/** Top-ups through the payment gateways, and the wallet's history. Keys need the billing scope. */
export const topupRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['billing'];
  const errors = errorResponses(401, 403, 404, 422, 500);

  app.get(
    '/payment-gateways',
    {
      ...needs('billing'),
      schema: {
        tags,
        summary: 'Gateways a top-up can go through',
        response: { 200: success(Type.Array(Gateway)), ...errors },
      },
    },
    async () => ({
      success: true as const,
      data: (await listGateways({ ctx, input: { enabledOnly: true } })).map((g) => ({
        code: g.code,
        currencies: g.currencies,
        methods: g.methods,
        min_amount: g.minAmount,
        max_amount: g.maxAmount,
        fee_percent: g.feePercent,
      })),
    }),
  );

  app.post(
    '/topups',
    {
      ...needs('billing'),
      schema: {
        tags,
        summary: 'Start a top-up: where to pay (URL, QR string or virtual account)',
        body: Type.Object(
          {
            gateway: Type.Union(GATEWAY_CODES.map((code) => Type.Literal(code))),
            amount: Type.String({
              pattern: '^[0-9]{1,12}(\\.[0-9]{1,2})?$',
              description: 'decimal, in `currency`',
            }),
            currency: Type.String({ pattern: '^[A-Z]{3}$' }),
            method: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{1,4}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: success(Topup), ...errorResponses(401, 403, 409, 422, 500, 503) },
      },
    },
    async (request, reply) => {
      const topup = await startTopup({
        ctx,
        input: { accountId: principalOf(request).accountId, ...request.body },
      });
      return reply.code(201).send({ success: true as const, data: view(topup) });
    },
  );

  app.get(
    '/topups',
    {
      ...needs('billing'),
      schema: {
        tags,
        summary: 'Top-ups, newest first',
        querystring: Type.Object({ before_id: Type.Optional(SafeId), limit: Type.Optional(Clamped()) }),
        response: { 200: success(Type.Array(Topup)), ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      data: (
        await listTopups({
          ctx,
          input: {
            accountId: principalOf(request).accountId,
            beforeId: request.query.before_id,
            limit: request.query.limit,
          },
        })
      ).map(view),
    }),
  );

  app.get(
    '/topups/:id',
    {
      ...needs('billing'),
      schema: {
        tags,
        summary: 'One top-up and its status',
        params: Type.Object({ id: Type.String({ pattern: '^(np-topup-)?[0-9]{1,15}$' }) }),
        response: { 200: success(Topup), ...errors },
      },
    },
    async (request) => {
      const ref = request.params.id;
      const topup = await getTopup({
        ctx,
        input: {
          accountId: principalOf(request).accountId,
          topupId: /^[0-9]+$/.test(ref) ? Number(ref) : ref,
        },
      });
      return { success: true as const, data: view(topup) };
    },
  );

  app.get(
    '/ledger',
    {
      ...needs('billing'),
      schema: {
        tags,
        summary:
          'The wallet’s movements (deposits, top-up fees and bonuses, charges, refunds), newest first, with the balance after each',
        querystring: Type.Object({ before_id: Type.Optional(SafeId), limit: Type.Optional(Clamped()) }),
        response: { 200: success(Type.Array(Entry)), ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      data: (
        await ledgerHistory({
          ctx,
          input: {
            accountId: principalOf(request).accountId,
            beforeId: request.query.before_id,
            limit: request.query.limit,
          },
        })
      ).map((e) => ({
        transfer_id: e.transferId,
        code: e.code,
        amount: e.amount,
        balance_after: e.balanceAfter,
        reference: e.reference,
        memo: e.memo,
        created_at: e.createdAt.toISOString(),
      })),
    }),
  );
};
