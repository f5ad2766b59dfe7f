/**
 * What an account owes blocks its purchases on every surface — INSUFFICIENT_BALANCE (409) on /v1 and
 * /v2, NO_BALANCE on the handler API — until a top-up settles it; then it buys again, with the same
 * idempotency key too (a refused claim stores nothing).
 */
import { describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/audit/audit-actor.ts';
import { adjustBalance } from '../../src/ledger/adjust-balance.ts';
import { creditTopup } from '../../src/payments/credit-topup.ts';
import { debitTopupRefund } from '../../src/payments/debit-topup.ts';
import { expectError, handlerCustomer } from '../handler/handler-client.ts';
import { ledgerViolations, orderWorld } from '../orders/order-fixture.ts';
import { configureGateways, moneyOf, pendingTopup } from './topup-fixture.ts';

const world = await orderWorld();
await configureGateways(world.ctx);
const { ctx } = world;

/** A customer who spent all but 10,000 IDR of a 10 USD top-up that was then refunded: owes 150,000. */
async function inDebt(dialect: 'plain' | 'json' = 'plain') {
  const me = await handlerCustomer(world, 0, dialect);
  const accountId = me.account.id;
  const p = await pendingTopup(ctx, { accountId, gateway: 'stripe', amount: '10.00' });
  await creditTopup({ ctx, input: { ...p, paidAmount: '10.00', paidCurrency: 'USD' } });
  await adjustBalance({
    ctx,
    input: { accountId, direction: 'debit', amount: 150_000, reason: 'spent', actor: CLI_ACTOR },
  });
  await debitTopupRefund({ ctx, input: { ...p, amount: '10.00' } });
  expect(await moneyOf(ctx, accountId)).toEqual({ available: 0, owed: 150_000 });
  return me;
}

describe('an account that owes', () => {
  it('cannot create orders on /v2 or /v1 (409 INSUFFICIENT_BALANCE), and can once a top-up settles it', async () => {
    const me = await inDebt();
    const body = { catalog_product_id: world.catalogProductId };
    for (const url of ['/v2/orders/create', '/v1/orders/create']) {
      const refused = await me.call('POST', url, body, { 'idempotency-key': 'after-debt' });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        success: false,
        error: { code: 'INSUFFICIENT_BALANCE', message: expect.stringMatching(/owes 150000 IDR/) },
      });
    }
    const orders = await ctx.db.query('SELECT count(*)::int AS n FROM orders WHERE account_id = $1', [
      me.account.id,
    ]);
    expect(orders.rows[0].n).toBe(0);

    const next = await pendingTopup(ctx, { accountId: me.account.id, gateway: 'heleket', amount: '20.00' });
    const settled = await creditTopup({ ctx, input: { ...next, paidAmount: '20.00', paidCurrency: 'USD' } });
    expect(settled.settledIdr).toBe(150_000);
    expect(await moneyOf(ctx, me.account.id)).toEqual({ available: 170_000, owed: 0 });
    const created = await me.call('POST', '/v2/orders/create', body, { 'idempotency-key': 'after-debt' });
    expect(created.statusCode).toBe(200);
    expect(created.json().data.orders).toHaveLength(1);
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it.each(['plain', 'json'] as const)('gets NO_BALANCE from the handler API (%s errors)', async (dialect) => {
    const me = await inDebt(dialect);
    expectError(await me.h({ action: 'getNumber', service: 'wa', country: 6 }), dialect, 'NO_BALANCE');
    expectError(await me.h({ action: 'getNumberV2', service: 'wa', country: 6 }), dialect, 'NO_BALANCE');
  });

  it('does not block another account', async () => {
    await inDebt();
    const other = await handlerCustomer(world, 1_000_000);
    const created = await other.call('POST', '/v2/orders/create', {
      catalog_product_id: world.catalogProductId,
    });
    expect(created.statusCode).toBe(200);
  });
});
