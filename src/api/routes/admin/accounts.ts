import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { searchAccounts } from '../../../accounts/search-accounts.ts';
import { suspendAccount, unsuspendAccount } from '../../../accounts/suspend-account.ts';
import type { AppContext } from '../../../app-context.ts';
import { getAccountOverview } from '../../../console/account-overview.ts';
import { type AdjustmentDirection, adjustBalance } from '../../../ledger/adjust-balance.ts';
import { MAX_AMOUNT } from '../../../ledger/ledger-account.ts';
import { actorOf } from '../../plugins/account-auth.ts';
import { Clamped, MoneyIdr, SafeId } from '../../schemas/numbers.ts';
import { errorResponses, success } from '../smscode/schemas.ts';
import {
  AccountIdParams,
  AccountView,
  accountView,
  Balance,
  OrderAdminView,
  orderAdminView,
  ReasonBody,
} from './views.ts';

const AccountDetail = Type.Object(
  {
    ...AccountView.properties,
    balance: Balance,
    order_counts: Type.Record(Type.String(), Type.Integer()),
    active_api_keys: Type.Integer(),
    active_sessions: Type.Integer(),
    recent_orders: Type.Array(OrderAdminView),
  },
  { additionalProperties: false },
);

const Adjustment = Type.Object(
  {
    transfer_id: Type.Integer(),
    replayed: Type.Boolean(),
    balance_before: Balance,
    balance: Balance,
  },
  { additionalProperties: false },
);

/** Accounts for operators: search, one account in full, suspension, and credits or debits by hand. */
export const accountAdminRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const errors = errorResponses(401, 403, 404, 409, 422, 500);

  app.get(
    '/accounts',
    {
      schema: {
        tags: ['admin'],
        summary: 'Search accounts, newest first (keyset paging with before_id)',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 254, description: 'email substring or account id' })),
          role: Type.Optional(Type.Union([Type.Literal('customer'), Type.Literal('admin')])),
          status: Type.Optional(
            Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('disabled')]),
          ),
          limit: Type.Optional(Clamped({ description: '1-100, default 50' })),
          before_id: Type.Optional(SafeId),
        }),
        response: { 200: success(Type.Array(AccountView)), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const found = await searchAccounts({
        ctx,
        input: { q: q.q, role: q.role, status: q.status, limit: q.limit, beforeId: q.before_id },
      });
      return { success: true as const, data: found.map(accountView) };
    },
  );

  app.get(
    '/accounts/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One account: balance, order counts, keys, sessions and its 20 most recent orders',
        params: AccountIdParams,
        response: { 200: success(AccountDetail), ...errors },
      },
    },
    async (request) => {
      const o = await getAccountOverview({ ctx, input: { accountId: request.params.id } });
      return {
        success: true as const,
        data: {
          ...accountView(o.account),
          balance: o.balance,
          order_counts: o.orderCounts as Record<string, number>,
          active_api_keys: o.activeApiKeys,
          active_sessions: o.activeSessions,
          recent_orders: o.recentOrders.map(orderAdminView),
        },
      };
    },
  );

  app.post(
    '/accounts/:id/suspend',
    {
      schema: {
        tags: ['admin'],
        summary: 'Suspend an account: it signs in and reads, but cannot create orders',
        params: AccountIdParams,
        body: ReasonBody,
        response: { 200: success(AccountView), ...errors },
      },
    },
    async (request) => {
      const account = await suspendAccount({
        ctx,
        input: { accountId: request.params.id, reason: request.body.reason, actor: actorOf(request) },
      });
      return { success: true as const, data: accountView(account) };
    },
  );

  app.post(
    '/accounts/:id/unsuspend',
    {
      schema: {
        tags: ['admin'],
        summary: 'End a suspension',
        params: AccountIdParams,
        response: { 200: success(AccountView), ...errors },
      },
    },
    async (request) => {
      const account = await unsuspendAccount({
        ctx,
        input: { accountId: request.params.id, actor: actorOf(request) },
      });
      return { success: true as const, data: accountView(account) };
    },
  );

  const adjustment = (direction: AdjustmentDirection, summary: string) =>
    app.post(
      `/accounts/:id/${direction}`,
      {
        schema: {
          tags: ['admin'],
          summary,
          params: AccountIdParams,
          headers: Type.Object({
            'idempotency-key': Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 128,
                description: 'a repeat with the same key applies once',
              }),
            ),
          }),
          body: Type.Object(
            { amount: MoneyIdr({ minimum: 1, maximum: MAX_AMOUNT }), ...ReasonBody.properties },
            { additionalProperties: false },
          ),
          response: { 200: success(Adjustment), ...errors },
        },
      },
      async (request) => {
        const result = await adjustBalance({
          ctx,
          input: {
            accountId: request.params.id,
            direction,
            amount: request.body.amount,
            reason: request.body.reason,
            idempotencyKey: request.headers['idempotency-key'],
            actor: actorOf(request),
          },
        });
        return {
          success: true as const,
          data: {
            transfer_id: result.transferId,
            replayed: result.replayed,
            balance_before: result.before,
            balance: result.after,
          },
        };
      },
    );
  adjustment('credit', 'Credit a wallet by hand (IDR), with a reason');
  adjustment('debit', 'Debit a wallet by hand (IDR), never below zero: INSUFFICIENT_BALANCE otherwise');
};
