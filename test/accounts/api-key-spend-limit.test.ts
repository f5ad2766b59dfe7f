/**
 * A key's daily spend limit: what its orders since 00:00 UTC hold or were charged, plus the new order's
 * price, never goes above it — one create at a time, several at once, or many in one request. Refunded
 * orders give their room back; the next UTC day starts at zero. Over the limit, /v1 and /v2 answer 429
 * RATE_LIMIT_EXCEEDED with the limit and when it resets, the handler API NO_BALANCE.
 */
import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/accounts/issue-api-key.ts';
import { findCandidates } from '../../src/providers/find-candidates.ts';
import { customer, ledgerViolations, orderWorld } from '../orders/order-fixture.ts';
import { signIn } from '../support/sign-in.ts';
import { sdkHeaders } from '../support/test-app.ts';

const world = await orderWorld();
const candidates = await findCandidates({
  ctx: world.ctx,
  input: { catalogProductId: world.catalogProductId },
});
/** Every create here is held to the cheapest price, so each order costs exactly this. */
const price = Math.min(...candidates.map((c) => c.price));
const body = { catalog_product_id: world.catalogProductId, max_price: price };

/** A funded account with a key limited to `limit` IDR a day. */
async function limitedKey(limit: number) {
  const me = await customer(world);
  const { key, id } = await issueApiKey({
    ctx: world.ctx,
    input: { accountId: me.account.id, name: 'limited', dailySpendLimit: limit },
  });
  const create = (payload: unknown = body, url = '/v1/orders/create') =>
    world.app.inject({ method: 'POST', url, headers: sdkHeaders(key), payload: JSON.stringify(payload) });
  return { ...me, key, keyId: id, create };
}

async function spentOf(keyId: number) {
  const row = await world.ctx.db.query(
    `SELECT coalesce(sum(amount), 0)::bigint AS spent FROM orders
     WHERE api_key_id = $1 AND status IN ('PROVISIONING', 'ACTIVE', 'OTP_RECEIVED', 'COMPLETED')`,
    [keyId],
  );
  return row.rows[0].spent as number;
}

describe('a daily spend limit', () => {
  it('lets orders through up to the limit, then refuses with 429 and when it resets', async () => {
    const me = await limitedKey(2 * price + Math.floor(price / 2));
    for (const url of ['/v1/orders/create', '/v2/orders/create'])
      expect((await me.create(body, url)).statusCode).toBe(200);
    for (const url of ['/v1/orders/create', '/v2/orders/create']) {
      const refused = await me.create({ ...body }, url);
      expect(refused.statusCode).toBe(429);
      const error = refused.json().error;
      expect(error.code).toBe('RATE_LIMIT_EXCEEDED');
      const now = world.clock.now();
      const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
      expect(error.details).toEqual({
        limit: 2 * price + Math.floor(price / 2),
        spent: 2 * price,
        resets_at: new Date(midnight).toISOString(),
        retry_after_seconds: expect.any(Number),
      });
      expect(Number(refused.headers['retry-after'])).toBe(error.details.retry_after_seconds);
      expect(Math.abs(error.details.retry_after_seconds - (midnight - now.getTime()) / 1000)).toBeLessThan(
        60,
      );
    }
    expect(await spentOf(me.keyId)).toBe(2 * price);
    // Nothing was held for the refusals: the wallet paid for two orders only.
    expect(await me.balance()).toBe(1_000_000 - 2 * price);

    // The listing shows what the key spent today.
    const browser = await signIn(world.ctx, world.app, me.account.id);
    const keys = await world.app.inject({ method: 'GET', url: '/api/keys', headers: browser.headers });
    expect(keys.json().data.find((k: { id: number }) => k.id === me.keyId)).toMatchObject({
      daily_spend_limit: 2 * price + Math.floor(price / 2),
      spent_today: 2 * price,
    });
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('counts only its own key: the account’s other keys and sessions are not limited by it', async () => {
    const me = await limitedKey(price);
    expect((await me.create()).statusCode).toBe(200);
    expect((await me.create()).statusCode).toBe(429);
    // The factory's unlimited key of the same account still creates.
    expect((await me.call('POST', '/v1/orders/create', body)).statusCode).toBe(200);
    const orders = await world.ctx.db.query(
      'SELECT api_key_id FROM orders WHERE account_id = $1 AND status <> $2 ORDER BY id',
      [me.account.id, 'FAILED'],
    );
    expect(orders.rows.map((r) => r.api_key_id)).toEqual([me.keyId, me.apiKeyId]);
  });

  it('gives room back when an order is canceled and refunded', async () => {
    const me = await limitedKey(price);
    const created = await me.create();
    expect(created.statusCode).toBe(200);
    expect((await me.create()).statusCode).toBe(429);
    const id = created.json().data.orders[0].id;
    world.clock.advance(5 * 60_000); // past the cancel window
    const cancel = await world.app.inject({
      method: 'POST',
      url: '/v1/orders/cancel',
      headers: sdkHeaders(me.key),
      payload: JSON.stringify({ id }),
    });
    expect(cancel.statusCode).toBe(200);
    expect((await me.create()).statusCode).toBe(200);
  });

  it('starts again at zero on the next UTC day', async () => {
    const me = await limitedKey(price);
    expect((await me.create()).statusCode).toBe(200);
    expect((await me.create()).statusCode).toBe(429);
    world.clock.advance(24 * 3_600_000);
    expect((await me.create()).statusCode).toBe(200);
  });

  it('creates what fits of a many-order request and counts the rest as failed', async () => {
    const me = await limitedKey(2 * price);
    const created = await me.create({ ...body, quantity: 4 });
    expect(created.statusCode).toBe(200);
    expect(created.json().data.orders).toHaveLength(2);
    expect(created.json().data.failed_count).toBe(2);
    expect(await spentOf(me.keyId)).toBe(2 * price);
  });

  it('holds under concurrency: of simultaneous creates on one key, only as many as fit pass', async () => {
    const me = await limitedKey(2 * price + Math.floor(price / 2));
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        me.create(body, i % 2 === 0 ? '/v1/orders/create' : '/v2/orders/create'),
      ),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429, 429]);
    expect(await spentOf(me.keyId)).toBe(2 * price);
    expect(await me.balance()).toBe(1_000_000 - 2 * price);

    // And many-order requests at once: never more than the limit between them.
    const many = await limitedKey(3 * price);
    const bulk = await Promise.all(Array.from({ length: 3 }, () => many.create({ ...body, quantity: 2 })));
    const made = bulk.flatMap((b) => (b.statusCode === 200 ? b.json().data.orders : []));
    expect(made).toHaveLength(3);
    expect(await spentOf(many.keyId)).toBe(3 * price);
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('answers NO_BALANCE on the handler API, and a replayed idempotency key gives the same refusal', async () => {
    const me = await limitedKey(price);
    const getNumber = () =>
      world.app.inject({
        method: 'GET',
        url: `/stubs/handler_api.php?api_key=${me.key}&action=getNumber&service=wa&country=6`,
      });
    expect((await getNumber()).body).toMatch(/^ACCESS_NUMBER:/);
    expect((await getNumber()).body).toBe('NO_BALANCE');

    const keyed = () =>
      world.app.inject({
        method: 'POST',
        url: '/v1/orders/create',
        headers: { ...sdkHeaders(me.key), 'idempotency-key': 'over-limit' },
        payload: JSON.stringify(body),
      });
    const first = await keyed();
    expect(first.statusCode).toBe(429);
    expect((await keyed()).body).toBe(first.body);
  });

  it('holds when failover moves an order to a dearer provider: it goes there only if the dearer price still fits', async () => {
    // The cheapest provider is out of numbers (all its offers): the order fails over to the next one.
    const cheapestProvider = candidates[0]!.providerCode;
    const dearer = candidates.find((c) => c.providerCode !== cheapestProvider);
    expect(dearer!.price).toBeGreaterThan(price);
    const cheaper = [cheapestProvider];
    for (const code of cheaper) world.supply.simulator.setFault(code, 'no_numbers');
    try {
      const unrouted = { catalog_product_id: world.catalogProductId };
      // Room for the cheapest price, not for the dearer one the order would fail over to.
      const tight = await limitedKey(dearer!.price - 1);
      const refused = await tight.create(unrouted);
      expect(refused.statusCode, refused.body).toBe(429);
      expect(refused.json().error).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED' });
      expect(await spentOf(tight.keyId)).toBe(0);
      expect(await tight.balance()).toBe(1_000_000);

      const roomy = await limitedKey(dearer!.price);
      const created = await roomy.create(unrouted);
      expect(created.statusCode, created.body).toBe(200);
      expect(created.json().data.orders[0].amount).toBe(dearer!.price);
      expect(await spentOf(roomy.keyId)).toBe(dearer!.price);
      expect(await roomy.balance()).toBe(1_000_000 - dearer!.price);
    } finally {
      for (const code of cheaper) world.supply.simulator.setFault(code, 'ok');
    }
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('applies a limit set or raised from the session at once, though the key was cached', async () => {
    const me = await limitedKey(price);
    expect((await me.create()).statusCode).toBe(200);
    expect((await me.create()).statusCode).toBe(429);
    const browser = await signIn(world.ctx, world.app, me.account.id);
    const raise = await world.app.inject({
      method: 'PATCH',
      url: `/api/keys/${me.keyId}`,
      headers: browser.headers,
      payload: { daily_spend_limit: 2 * price },
    });
    expect(raise.statusCode).toBe(200);
    expect((await me.create()).statusCode).toBe(200);
    expect((await me.create()).statusCode).toBe(429);

    // A key without a limit that gets one: cached as unlimited, limited from the next create on.
    expect((await me.call('POST', '/v1/orders/create', body)).statusCode).toBe(200);
    await world.app.inject({
      method: 'PATCH',
      url: `/api/keys/${me.apiKeyId}`,
      headers: browser.headers,
      payload: { daily_spend_limit: price },
    });
    expect((await me.call('POST', '/v1/orders/create', body)).statusCode).toBe(429);
  });
});
