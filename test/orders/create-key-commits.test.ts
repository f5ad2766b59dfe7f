/**
 * A single-order create claims its key in the order's first transaction and stores its answer in the
 * activation's: what the key holds afterwards, and what happens when the first candidate is beyond the
 * wallet (that transaction rolls back whole and the run goes on to the candidates it can afford).
 */
import { describe, expect, it } from 'vitest';
import { findCandidates } from '../../src/providers/find-candidates.ts';
import { customer, ledgerViolations, orderWorld } from './order-fixture.ts';

const world = await orderWorld();

async function keyRow(accountId: number, key: string) {
  const row = await world.ctx.db.query(
    `SELECT id, recovery_point, locked_at, result FROM idempotency_keys
     WHERE account_id = $1 AND scope = 'create' AND key = $2`,
    [accountId, key],
  );
  return row.rows[0];
}

describe('a single-order create and its key', () => {
  it('leaves the key finished with the order as answered, and a repeat replays it', async () => {
    const me = await customer(world);
    const body = { catalog_product_id: world.catalogProductId };
    const first = await me.call('POST', '/v2/orders/create', body, { 'idempotency-key': 'one' });
    expect(first.statusCode).toBe(200);
    const order = first.json().data.orders[0];

    const key = await keyRow(me.account.id, 'one');
    expect(key).toMatchObject({ recovery_point: 'finished', locked_at: null });
    expect(key.result.ok.orders.map((o: { id: number }) => o.id)).toEqual([order.id]);
    const owned = await world.ctx.db.query('SELECT idempotency_key_id, status FROM orders WHERE id = $1', [
      order.id,
    ]);
    expect(owned.rows[0]).toEqual({ idempotency_key_id: key.id, status: 'ACTIVE' });

    const again = await me.call('POST', '/v2/orders/create', body, { 'idempotency-key': 'one' });
    expect(again.body).toBe(first.body);
    const reused = await me.call(
      'POST',
      '/v2/orders/create',
      { ...body, quantity: 2 },
      { 'idempotency-key': 'one' },
    );
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('goes on to an affordable candidate when the first one is beyond the wallet', async () => {
    const candidates = await findCandidates({
      ctx: world.ctx,
      input: { catalogProductId: world.catalogProductId },
    });
    const cheapest = candidates[0]!;
    const dearest = candidates.at(-1)!;
    expect(dearest.price).toBeGreaterThan(cheapest.price);
    // Enough for the cheapest offer only; the preferred (dearest) one goes first and cannot be held.
    const me = await customer(world, cheapest.price);
    const created = await me.call(
      'POST',
      '/v1/orders/create',
      { catalog_product_id: world.catalogProductId, prefer_provider: dearest.providerCode },
      { 'idempotency-key': 'afford' },
    );
    expect(created.statusCode).toBe(200);
    const order = created.json().data.orders[0];
    expect(order.amount).toBeLessThan(dearest.price);
    expect(await me.balance()).toBe(cheapest.price - order.amount);

    const key = await keyRow(me.account.id, 'afford');
    expect(key.recovery_point).toBe('finished');
    expect(key.result.ok.orders[0].id).toBe(order.id);
    const orders = await world.ctx.db.query('SELECT status FROM orders WHERE account_id = $1', [
      me.account.id,
    ]);
    expect(orders.rows).toEqual([{ status: 'ACTIVE' }]);
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('stores a refusal when nothing is affordable, with no order and nothing held', async () => {
    const me = await customer(world, 1);
    const body = { catalog_product_id: world.catalogProductId };
    const refused = await me.call('POST', '/v1/orders/create', body, { 'idempotency-key': 'broke' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('INSUFFICIENT_BALANCE');

    const key = await keyRow(me.account.id, 'broke');
    expect(key).toMatchObject({ recovery_point: 'finished', locked_at: null });
    expect(key.result.error.code).toBe('INSUFFICIENT_BALANCE');
    const orders = await world.ctx.db.query(
      `SELECT count(*)::int AS n FROM orders WHERE account_id = $1 AND status <> 'FAILED'`,
      [me.account.id],
    );
    expect(orders.rows[0].n).toBe(0);
    expect(await me.balance()).toBe(1);
    const again = await me.call('POST', '/v1/orders/create', body, { 'idempotency-key': 'broke' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INSUFFICIENT_BALANCE');
    expect(await ledgerViolations(world)).toEqual([]);
  });
});
