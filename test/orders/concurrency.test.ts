import { describe, expect, it } from 'vitest';
import { findCandidates } from '../../src/providers/find-candidates.ts';
import { customer, ledgerViolations, orderWorld } from './order-fixture.ts';

const world = await orderWorld();

describe('concurrent creates', () => {
  it('200 identical creates with one key make one order and one hold', async () => {
    const me = await customer(world);
    const body = { catalog_product_id: world.catalogProductId };
    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        me.call('POST', '/v1/orders/create', body, { 'idempotency-key': 'burst' }),
      ),
    );
    const ok = responses.filter((r) => r.statusCode === 200);
    const busy = responses.filter((r) => r.statusCode === 409);
    expect(ok.length + busy.length).toBe(200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of busy) expect(r.json().error.code).toBe('REQUEST_IN_PROGRESS');
    const ids = new Set(ok.map((r) => r.json().data.orders[0].id));
    expect(ids.size).toBe(1);

    const orders = await world.ctx.db.query('SELECT id, amount FROM orders WHERE account_id = $1', [
      me.account.id,
    ]);
    expect(orders.rowCount).toBe(1);
    const holds = await world.ctx.db.query(
      `SELECT count(*)::int AS n FROM transfers WHERE code = 'order_hold' AND external_id LIKE 'order:' || $1 || '%'`,
      [orders.rows[0].id],
    );
    expect(holds.rows[0].n).toBe(1);
    expect(await me.balance()).toBe(1_000_000 - orders.rows[0].amount);
    const later = await me.call('POST', '/v1/orders/create', body, { 'idempotency-key': 'burst' });
    expect(later.json().data.orders[0].id).toBe([...ids][0]);
  });

  it('creates that would overdraw the wallet: exactly the affordable number succeed', async () => {
    const [cheapest] = await findCandidates({
      ctx: world.ctx,
      input: { catalogProductId: world.catalogProductId },
    });
    const price = cheapest!.price;
    const me = await customer(world, price * 3);
    const responses = await Promise.all(
      Array.from({ length: 12 }, () =>
        me.call('POST', '/v1/orders/create', {
          catalog_product_id: world.catalogProductId,
          max_price: price,
        }),
      ),
    );
    const ok = responses.filter((r) => r.statusCode === 200);
    expect(ok).toHaveLength(3);
    for (const r of responses.filter((x) => x.statusCode !== 200)) {
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('INSUFFICIENT_BALANCE');
    }
    expect(await me.balance()).toBe(0);
    const wallet = await world.ctx.db.query(
      'SELECT credits_posted - debits_posted - debits_pending AS available FROM ledger_accounts WHERE account_id = $1',
      [me.account.id],
    );
    expect(wallet.rows[0].available).toBe(0);
    expect(await ledgerViolations(world)).toEqual([]);
  });
});
