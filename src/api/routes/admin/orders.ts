import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AppContext } from '../../../app-context.ts';
import { refundCompletedOrder } from '../../../orders/manual-refund.ts';
import { getOperatorOrder } from '../../../orders/operator-order.ts';
import { searchOrders } from '../../../orders/search-orders.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { Clamped, Id32, SafeId } from '../../schemas/numbers.ts';
import { errorResponses, Nullable, success } from '../smscode/schemas.ts';
import { OrderAdminView, orderAdminView, ReasonBody } from './views.ts';

const Refund = Type.Object(
  {
    transfer_id: Type.Integer(),
    amount: Type.Integer(),
    memo: Nullable(Type.String()),
    at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

const OrderParams = Type.Object({ id: Id32 });

/** Orders of every account for operators: search, one order with its refund, and manual refunds. */
export const orderAdminRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const errors = errorResponses(401, 403, 404, 409, 422, 500);

  app.get(
    '/orders',
    {
      schema: {
        tags: ['admin'],
        summary: 'Search orders of every account, newest first (keyset paging with before_id)',
        querystring: Type.Object({
          id: Type.Optional(Id32),
          phone: Type.Optional(Type.String({ maxLength: 21, description: 'digits with the country code' })),
          account_id: Type.Optional(SafeId),
          provider: Type.Optional(Type.String({ maxLength: 40, description: 'provider id or code' })),
          status: Type.Optional(Type.String({ maxLength: 20 })),
          limit: Type.Optional(Clamped({ description: '1-100, default 50' })),
          before_id: Type.Optional(Id32),
        }),
        response: { 200: success(Type.Array(OrderAdminView)), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const found = await searchOrders({
        ctx,
        input: {
          id: q.id,
          phone: q.phone,
          accountId: q.account_id,
          provider: q.provider,
          status: q.status,
          limit: q.limit,
          beforeId: q.before_id,
        },
      });
      return { success: true as const, data: found.map(orderAdminView) };
    },
  );

  app.get(
    '/orders/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One order (any status, any account) and its manual refund',
        params: OrderParams,
        response: {
          200: success(
            Type.Object(
              { ...OrderAdminView.properties, refund: Nullable(Refund) },
              { additionalProperties: false },
            ),
          ),
          ...errors,
        },
      },
    },
    async (request) => {
      const { order, refund } = await getOperatorOrder({ ctx, input: { orderId: request.params.id } });
      return {
        success: true as const,
        data: {
          ...orderAdminView(order),
          refund: refund && {
            transfer_id: refund.transferId,
            amount: refund.amount,
            memo: refund.memo,
            at: refund.at.toISOString(),
          },
        },
      };
    },
  );

  app.post(
    '/orders/:id/refund',
    {
      schema: {
        tags: ['admin'],
        summary: 'Refund a completed order in full to its wallet, once (CONFLICT otherwise)',
        params: OrderParams,
        body: ReasonBody,
        response: {
          200: success(
            Type.Object(
              {
                order_id: Type.Integer(),
                account_id: Type.Integer(),
                transfer_id: Type.Integer(),
                amount: Type.Integer(),
              },
              { additionalProperties: false },
            ),
          ),
          ...errors,
        },
      },
    },
    async (request) => {
      const refund = await refundCompletedOrder({
        ctx,
        input: { orderId: request.params.id, reason: request.body.reason, actor: actorOf(request) },
      });
      return {
        success: true as const,
        data: {
          order_id: request.params.id,
          account_id: refund.accountId,
          transfer_id: refund.transferId,
          amount: refund.amount,
        },
      };
    },
  );
};
