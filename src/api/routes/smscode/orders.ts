import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type TSchema } from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { getBalance } from '../../../ledger/get-balance.ts';
import { cancelOrder } from '../../../orders/cancel-order.ts';
import { createOrders } from '../../../orders/create-orders.ts';
import { finishOrder } from '../../../orders/finish-order.ts';
import { listOrders } from '../../../orders/list-orders.ts';
import { orderView } from '../../../orders/order-view.ts';
import { reactivateOrder, reactivationQuote } from '../../../orders/reactivate-order.ts';
import { readOrder } from '../../../orders/read-order.ts';
import { resendOrder } from '../../../orders/resend-order.ts';
import { waitForOrderChange } from '../../../orders/wait-for-order-change.ts';
import { usdToIdrBound } from '../../../platform/money.ts';
import { getUsdRate } from '../../../pricing/exchange-rate.ts';
import { principalOf, spendingKeyOf } from '../../plugins/api-key-auth.ts';
import { needs } from '../../plugins/route-scopes.ts';
import { Clamped, Id32, INT32_MAX, Int32In } from '../../schemas/numbers.ts';
import { type FxReceipt, fxReceipt, usdMoney } from './money.ts';
import { amountOf, createItem, statusRow, summary } from './order-render.ts';
import {
  createResult,
  OrderIdBody,
  OrderStatusEnum,
  OrderStatusRow,
  V1CreateBody,
  V1CreateItem,
  V1OrderSummary,
  V1ReactivateBody,
  V2CreateBody,
  V2CreateItem,
  V2OrderSummary,
  V2ReactivateBody,
} from './order-schemas.ts';
import { type ApiVersion, errorResponses, success, successWithMeta, V2Fx, V2Money } from './schemas.ts';

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: '^[A-Za-z0-9_-]{1,128}$' })),
});
const MetaFx = Type.Object({ fx: V2Fx }, { additionalProperties: false });

/**
 * Balance and orders on the SMSCode contract. /v1 speaks IDR integers; /v2 the same money in USD with one
 * FX receipt per response, read before anything else so a missing rate refuses before any ledger change.
 */
export const orderRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; version: ApiVersion }> = async (
  app,
  { ctx, version },
) => {
  const v2 = version === 'v2';
  const readFx = async (): Promise<FxReceipt | undefined> =>
    v2 ? fxReceipt(await getUsdRate({ ctx })) : undefined;
  /** A /v2 USD limit to IDR: maxima floored, minima ceiled; /v1 limits are IDR already. */
  const idrBound = (value: number | string | undefined, fx: FxReceipt | undefined, bound: 'max' | 'min') =>
    value === undefined
      ? undefined
      : typeof value === 'number'
        ? value
        : usdToIdrBound(value, fx!.rate, bound);
  const withMeta = <T>(data: T, fx: FxReceipt | undefined) =>
    fx ? { success: true as const, data, meta: { fx } } : { success: true as const, data };
  const money: TSchema = v2 ? V2Money : Type.Integer();
  // Shapes that differ by version are chosen at start; their handlers are held to them by the closed
  // response schemas and the tests rather than by the compiler, hence the plain TSchema.
  const envelope = (data: TSchema): TSchema => (v2 ? successWithMeta(data, MetaFx) : success(data));
  const tags = ['orders'];
  const security = [{ bearerAuth: [] }];

  app.get(
    '/balance',
    {
      ...needs('read'),
      schema: {
        tags: ['account'],
        summary: 'Wallet balance',
        security,
        response: {
          200: envelope(
            v2
              ? Type.Object({ balance: V2Money }, { additionalProperties: false })
              : Type.Object(
                  { currency: Type.Literal('IDR'), balance: Type.Integer() },
                  { additionalProperties: false },
                ),
          ),
          ...errorResponses(401, 429, 500, 503),
        },
      },
    },
    async (request) => {
      const fx = await readFx();
      const { available } = await getBalance({ ctx, input: { accountId: principalOf(request).accountId } });
      return fx
        ? withMeta({ balance: usdMoney(available, fx, 2) }, fx)
        : withMeta({ currency: 'IDR' as const, balance: available }, undefined);
    },
  );

  app.post(
    '/orders/create',
    {
      ...needs('orders'),
      schema: {
        tags,
        summary: 'Rent numbers: routed by catalog_product_id (with failover) or direct by product_id',
        security,
        headers: IdempotencyHeaders,
        body: v2 ? V2CreateBody : V1CreateBody,
        response: {
          200: envelope(createResult(v2 ? V2CreateItem : V1CreateItem)),
          ...errorResponses(401, 409, 422, 429, 500, 503),
        },
      },
    },
    async (request) => {
      const fx = await readFx();
      const body = request.body;
      const principal = principalOf(request);
      const result = await createOrders({
        ctx,
        input: {
          accountId: principal.accountId,
          apiKey: spendingKeyOf(principal),
          catalogProductId: body.catalog_product_id,
          productId: body.product_id,
          quantity: body.quantity,
          policy: body.policy,
          preferProvider: body.prefer_provider,
          maxPrice: idrBound(body.max_price, fx, 'max'),
          minPrice: idrBound(body.min_price, fx, 'min'),
          operatorId: body.operator_id,
          idempotencyKey: request.headers['idempotency-key'],
          fingerprint: { version, body },
          usdRate: fx ? { rate: fx.rate, asOf: fx.rate_as_of } : undefined,
        },
      });
      // A replay renders with the rate of the first response, so its bytes are the same.
      const replayFx = result.usdRate
        ? fxReceipt({
            rate: result.usdRate.rate,
            asOf: result.usdRate.asOf ? new Date(result.usdRate.asOf) : null,
          })
        : fx;
      return withMeta(
        { orders: result.orders.map((o) => createItem(o, replayFx)), failed_count: result.failedCount },
        replayFx,
      );
    },
  );

  app.get(
    '/orders',
    {
      ...needs('read'),
      schema: {
        tags,
        summary: 'Orders, most recent first',
        security,
        querystring: Type.Object({
          limit: Type.Optional(Clamped({ description: 'clamped to 1-100, default 20' })),
          offset: Type.Optional(Clamped({ description: 'default 0' })),
          status: Type.Optional(
            Type.String({ description: 'ACTIVE | OTP_RECEIVED | COMPLETED | CANCELED | EXPIRED' }),
          ),
          created_from: Type.Optional(
            Type.String({
              pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
              description: 'created on or after this UTC day',
            }),
          ),
          created_to: Type.Optional(
            Type.String({
              pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
              description: 'created on or before this UTC day',
            }),
          ),
        }),
        response: {
          200: envelope(Type.Array(v2 ? V2OrderSummary : V1OrderSummary)),
          ...errorResponses(401, 422, 429, 500, 503),
        },
      },
    },
    async (request) => {
      const fx = await readFx();
      const now = ctx.clock.now();
      const { created_from: from, created_to: to, ...query } = request.query;
      const orders = await listOrders({
        ctx,
        input: {
          accountId: principalOf(request).accountId,
          ...query,
          createdFromDay: from,
          createdToDay: to,
        },
      });
      return withMeta(
        orders.map((o) => summary(orderView(o, now), fx)),
        fx,
      );
    },
  );

  app.get(
    '/orders/active',
    {
      ...needs('read'),
      schema: {
        tags,
        summary: 'Open orders (ACTIVE, OTP_RECEIVED)',
        security,
        response: { 200: success(Type.Array(OrderStatusRow)), ...errorResponses(401, 429, 500, 503) },
      },
    },
    async (request) => {
      const now = ctx.clock.now();
      const orders = await listOrders({
        ctx,
        input: { accountId: principalOf(request).accountId, activeOnly: true },
      });
      return { success: true as const, data: orders.map((o) => statusRow(orderView(o, now))) };
    },
  );

  app.get(
    '/orders/:id',
    {
      ...needs('read'),
      schema: {
        tags,
        summary: 'One order; with ?wait=N (≤ 60) it answers as soon as the order changes',
        security,
        params: Type.Object({ id: Id32 }),
        querystring: Type.Object({
          wait: Type.Optional(Int32In(0, 60, { description: 'long-poll seconds' })),
          after_revision: Type.Optional(
            Int32In(0, INT32_MAX, { description: 'answer at once if sms_revision is already above this' }),
          ),
        }),
        response: {
          200: envelope(v2 ? V2OrderSummary : V1OrderSummary),
          ...errorResponses(401, 404, 422, 429, 500, 503),
        },
      },
    },
    async (request) => {
      const accountId = principalOf(request).accountId;
      const { wait, after_revision: afterRevision } = request.query;
      const order =
        wait === undefined
          ? await readOrder({ ctx, input: { orderId: request.params.id, accountId } })
          : await waitForOrderChange({
              ctx,
              input: {
                orderId: request.params.id,
                accountId,
                waitSeconds: wait,
                afterRevision,
                signal: app.closing,
              },
            });
      // The rate is read after the wait, so the receipt is current when the answer leaves.
      const fx = await readFx();
      return withMeta(summary(orderView(order, ctx.clock.now()), fx), fx);
    },
  );

  const mutationErrors = errorResponses(401, 404, 409, 422, 429, 500, 503);

  app.post(
    '/orders/cancel',
    {
      ...needs('orders'),
      schema: {
        tags,
        summary: 'Cancel an order that received no SMS, and refund it',
        security,
        body: OrderIdBody,
        response: {
          200: envelope(
            Type.Object(
              { order_id: Id32, status: Type.Literal('CANCELED'), refund_amount: money, new_balance: money },
              { additionalProperties: false },
            ),
          ),
          ...mutationErrors,
        },
      },
    },
    async (request) => {
      const fx = await readFx();
      const result = await cancelOrder({
        ctx,
        input: { accountId: principalOf(request).accountId, orderId: request.body.id },
      });
      return withMeta(
        {
          order_id: result.orderId,
          status: result.status,
          refund_amount: amountOf(result.refundAmount, fx),
          new_balance: fx ? usdMoney(result.newBalance, fx, 2) : result.newBalance,
        },
        fx,
      );
    },
  );

  app.post(
    '/orders/finish',
    {
      ...needs('orders'),
      schema: {
        tags,
        summary: 'Finish an order that received an SMS',
        security,
        body: OrderIdBody,
        response: {
          200: success(
            Type.Object({ order_id: Id32, status: OrderStatusEnum }, { additionalProperties: false }),
          ),
          ...mutationErrors,
        },
      },
    },
    async (request) => {
      const result = await finishOrder({
        ctx,
        input: { accountId: principalOf(request).accountId, orderId: request.body.id },
      });
      return { success: true as const, data: { order_id: result.orderId, status: result.status } };
    },
  );

  app.post(
    '/orders/resend',
    {
      ...needs('orders'),
      schema: {
        tags,
        summary: 'Ask for another SMS on the same number',
        security,
        body: OrderIdBody,
        response: {
          200: success(
            Type.Object(
              { order_id: Id32, status: OrderStatusEnum, resent: Type.Boolean() },
              { additionalProperties: false },
            ),
          ),
          ...mutationErrors,
        },
      },
    },
    async (request) => {
      const result = await resendOrder({
        ctx,
        input: { accountId: principalOf(request).accountId, orderId: request.body.id },
      });
      return {
        success: true as const,
        data: { order_id: result.orderId, status: result.status, resent: result.resent },
      };
    },
  );

  app.post(
    '/orders/reactivate',
    {
      ...needs('orders'),
      schema: {
        tags,
        summary: 'Rent the same number of a completed order again',
        security,
        headers: IdempotencyHeaders,
        body: v2 ? V2ReactivateBody : V1ReactivateBody,
        response: { 200: envelope(createResult(v2 ? V2CreateItem : V1CreateItem)), ...mutationErrors },
      },
    },
    async (request) => {
      const fx = await readFx();
      const result = await reactivateOrder({
        ctx,
        input: {
          accountId: principalOf(request).accountId,
          orderId: request.body.id,
          maxPrice: idrBound(request.body.max_price, fx, 'max'),
          idempotencyKey: request.headers['idempotency-key'],
        },
      });
      return withMeta(
        { orders: result.orders.map((o) => createItem(o, fx)), failed_count: result.failedCount },
        fx,
      );
    },
  );

  app.get(
    '/orders/:id/reactivate-options',
    {
      ...needs('read'),
      schema: {
        tags,
        summary: 'Quote for reactivating a completed order',
        security,
        params: Type.Object({ id: Id32 }),
        response: {
          200: envelope(
            Type.Object(
              { cost: v2 ? V2Money : Type.Integer({ minimum: 0 }) },
              { additionalProperties: false },
            ),
          ),
          ...mutationErrors,
        },
      },
    },
    async (request) => {
      const fx = await readFx();
      const quote = await reactivationQuote({
        ctx,
        input: { accountId: principalOf(request).accountId, orderId: request.params.id },
      });
      return withMeta({ cost: amountOf(quote.cost, fx) }, fx);
    },
  );
};
