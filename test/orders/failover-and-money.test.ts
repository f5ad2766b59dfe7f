import { describe, expect, it } from 'vitest';
import { findCandidates } from '../../src/providers/find-candidates.ts';
import { customer, ledgerViolations, orderWorld } from './order-fixture.ts';

const world = await orderWorld();

async function cheapestProvider(): Promise<string> {
  const candidates = await findCandidates({
    ctx: world.ctx,
    input: { catalogProductId: world.catalogProductId },
  });
  return candidates[0]!.providerCode;
}

async function providerOf(orderId: number): Promise<string> {
  const row = await world.ctx.db.query(
    'SELECT v.code FROM orders o JOIN providers v ON v.id = o.provider_id WHERE o.id = $1',
    [orderId],
  );
  return row.rows[0].code;
}

describe('routed create with failover', () => {
  for (const fault of ['no_numbers', 'down'] as const) {
    it(`succeeds through another provider when the cheapest answers ${fault}`, async () => {
      const me = await customer(world);
      const cheapest = await cheapestProvider();
      world.supply.simulator.setFault(cheapest, fault);
      try {
        const created = await me.call('POST', '/v1/orders/create', {
          catalog_product_id: world.catalogProductId,
        });
        expect(created.statusCode).toBe(200);
        const [item] = created.json().data.orders;
        expect(await providerOf(item.id)).not.toBe(cheapest);
        expect(await me.balance()).toBe(1_000_000 - item.amount);
      } finally {
        world.supply.simulator.setFault(cheapest, 'ok');
      }
      expect(await ledgerViolations(world)).toEqual([]);
    });
  }

  it('refuses with PROVIDER_ERROR and holds nothing when every provider fails', async () => {
    const me = await customer(world);
    for (const p of world.supply.providers) world.supply.simulator.setFault(p.code, 'http500');
    try {
      const created = await me.call('POST', '/v1/orders/create', {
        catalog_product_id: world.catalogProductId,
      });
      expect(created.statusCode).toBe(422);
      expect(created.json().error.code).toBe('PROVIDER_ERROR');
    } finally {
      for (const p of world.supply.providers) world.supply.simulator.setFault(p.code, 'ok');
    }
    expect(await me.balance()).toBe(1_000_000);
    expect((await me.call('GET', '/v1/orders')).json().data).toEqual([]);
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('answers NO_OFFER_AVAILABLE when every provider is out of numbers', async () => {
    const me = await customer(world);
    for (const p of world.supply.providers) world.supply.simulator.setFault(p.code, 'no_numbers');
    try {
      const created = await me.call('POST', '/v1/orders/create', {
        catalog_product_id: world.catalogProductId,
      });
      expect(created.statusCode).toBe(422);
      expect(created.json().error.code).toBe('NO_OFFER_AVAILABLE');
    } finally {
      for (const p of world.supply.providers) world.supply.simulator.setFault(p.code, 'ok');
    }
    expect(await me.balance()).toBe(1_000_000);
  });

  it('says the balance is too low when the only provider it covers is out of numbers and the next costs more', async () => {
    const candidates = await findCandidates({
      ctx: world.ctx,
      input: { catalogProductId: world.catalogProductId },
    });
    const cheapest = candidates[0]!;
    const next = candidates.find((c) => c.providerCode !== cheapest.providerCode)!;
    expect(next.price).toBeGreaterThan(cheapest.price);
    const me = await customer(world, next.price - 1);
    world.supply.simulator.setFault(cheapest.providerCode, 'no_numbers');
    try {
      const created = await me.call('POST', '/v1/orders/create', {
        catalog_product_id: world.catalogProductId,
      });
      expect(created.statusCode, created.body).toBe(409);
      expect(created.json().error.code).toBe('INSUFFICIENT_BALANCE');
    } finally {
      world.supply.simulator.setFault(cheapest.providerCode, 'ok');
    }
    expect(await me.balance()).toBe(next.price - 1);
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('never charges above max_price and honours prefer_provider', async () => {
    const me = await customer(world);
    const candidates = await findCandidates({
      ctx: world.ctx,
      input: { catalogProductId: world.catalogProductId },
    });
    const dearest = candidates.at(-1)!;
    const preferred = await me.call('POST', '/v1/orders/create', {
      catalog_product_id: world.catalogProductId,
      prefer_provider: dearest.providerCode,
    });
    expect(await providerOf(preferred.json().data.orders[0].id)).toBe(dearest.providerCode);

    const bounded = await me.call('POST', '/v1/orders/create', {
      catalog_product_id: world.catalogProductId,
      max_price: candidates[0]!.price,
    });
    expect(bounded.json().data.orders[0].amount).toBeLessThanOrEqual(candidates[0]!.price);
    const tooLow = await me.call('POST', '/v1/orders/create', {
      catalog_product_id: world.catalogProductId,
      max_price: 0,
    });
    expect(tooLow.statusCode).toBe(422);
    expect(tooLow.json().error.code).toBe('NO_OFFER_AVAILABLE');
  });

  it('orders directly by product_id', async () => {
    const me = await customer(world);
    const candidates = await findCandidates({
      ctx: world.ctx,
      input: { catalogProductId: world.catalogProductId },
    });
    const target = candidates[1]!;
    const created = await me.call('POST', '/v1/orders/create', { product_id: target.productId });
    expect(created.json().data.orders[0]).toMatchObject({
      product_id: target.productId,
      amount: target.price,
    });
    const both = await me.call('POST', '/v1/orders/create', {
      product_id: target.productId,
      catalog_product_id: 1,
    });
    expect(both.statusCode).toBe(422);
    const neither = await me.call('POST', '/v1/orders/create', {});
    expect(neither.statusCode).toBe(422);
    expect((await me.call('POST', '/v1/orders/create', { product_id: 1, bogus: true })).statusCode).toBe(422);
  });
});

describe('quantity and partial success', () => {
  it('creates as many as the balance affords and counts the rest as failed', async () => {
    const candidates = await findCandidates({
      ctx: world.ctx,
      input: { catalogProductId: world.catalogProductId },
    });
    const price = candidates[0]!.price;
    const me = await customer(world, price * 2 + price / 2);
    const created = await me.call('POST', '/v1/orders/create', {
      catalog_product_id: world.catalogProductId,
      quantity: 5,
      max_price: price,
    });
    expect(created.statusCode).toBe(200);
    expect(created.json().data.orders).toHaveLength(2);
    expect(created.json().data.failed_count).toBe(3);
    expect(await me.balance()).toBe(price / 2);
    const broke = await me.call('POST', '/v1/orders/create', {
      catalog_product_id: world.catalogProductId,
      max_price: price,
    });
    expect(broke.statusCode).toBe(409);
    expect(broke.json().error.code).toBe('INSUFFICIENT_BALANCE');
    expect(await ledgerViolations(world)).toEqual([]);
  });
});

describe('/v2 money', () => {
  it('projects every amount in USD with one FX receipt, and floors max_price', async () => {
    const me = await customer(world);
    const created = await me.call('POST', '/v2/orders/create', {
      catalog_product_id: world.catalogProductId,
    });
    const body = created.json();
    expect(body.meta).toEqual({ fx: { pair: 'USD/IDR', rate: 16000, rate_as_of: expect.any(String) } });
    const [item] = body.data.orders;
    expect(item.amount).toMatchObject({ currency: 'USD', canonical_currency: 'IDR' });
    expect(item.amount.amount).toMatch(/^\d+\.\d{4}$/);
    const order = (await me.call('GET', `/v2/orders/${item.id}`)).json();
    expect(order.meta.fx.rate).toBe(16000);
    const list = (await me.call('GET', '/v2/orders')).json();
    expect(Object.keys(list.meta)).toEqual(['fx']);
    const balance = (await me.call('GET', '/v2/balance')).json();
    expect(balance.data.balance).toEqual({
      amount: ((1_000_000 - item.amount.canonical_amount) / 16000).toFixed(2),
      currency: 'USD',
      canonical_amount: 1_000_000 - item.amount.canonical_amount,
      canonical_currency: 'IDR',
    });
    const zero = await me.call('POST', '/v2/orders/create', {
      catalog_product_id: world.catalogProductId,
      max_price: '0',
    });
    expect(zero.statusCode).toBe(422);
    expect(['VALIDATION_ERROR', 'NO_OFFER_AVAILABLE', 'PROVIDER_ERROR', 'IDEMPOTENCY_KEY_REUSED']).toContain(
      zero.json().error.code,
    );
    const malformed = await me.call('POST', '/v2/orders/create', {
      catalog_product_id: world.catalogProductId,
      max_price: '1,5',
    });
    expect(malformed.statusCode).toBe(422);
    expect(malformed.json().error.code).toBe('VALIDATION_ERROR');

    const cancelable = (
      await me.call('POST', '/v2/orders/create', { catalog_product_id: world.catalogProductId })
    ).json().data.orders[0];
    world.clock.advance(121_000);
    const canceled = (await me.call('POST', '/v2/orders/cancel', { id: cancelable.id })).json();
    expect(canceled.data.refund_amount.amount).toMatch(/^\d+\.\d{4}$/);
    expect(canceled.data.new_balance.amount).toMatch(/^\d+\.\d{2}$/);
    expect(canceled.meta.fx.pair).toBe('USD/IDR');
  });
});
