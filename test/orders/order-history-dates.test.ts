/**
 * Order history by the day orders were created: GET /v2/orders takes created_from and created_to (UTC
 * days, both inclusive), an impossible date is refused in the envelope, and the web app's order list and
 * its CSV export filter the same way.
 */
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/log-in.ts';
import { cookiesSet } from '../support/sign-in.ts';
import { customer, orderWorld } from './order-fixture.ts';

const world = await orderWorld();
const me = await customer(world);

/** An order, dated to noon of `day` (the orders are placed now; only their day matters here). */
async function orderOn(day: string): Promise<number> {
  const created = await me.call('POST', '/v2/orders/create', { catalog_product_id: world.catalogProductId });
  expect(created.statusCode, created.body).toBe(200);
  const id: number = created.json().data.orders[0].id;
  await world.ctx.db.query('UPDATE orders SET created_at = $2 WHERE id = $1', [id, `${day}T12:00:00Z`]);
  return id;
}

const first = await orderOn('2026-11-10');
const second = await orderOn('2026-11-11');
const third = await orderOn('2026-11-12');
const ids = async (query: string) => {
  const answer = await me.call('GET', `/v2/orders${query}`);
  expect(answer.statusCode, answer.body).toBe(200);
  return (answer.json().data as Array<{ id: number }>).map((o) => o.id);
};

describe('order history by day', () => {
  it('filters GET /v2/orders by created_from and created_to, both days included', async () => {
    expect(await ids('')).toEqual([third, second, first]);
    expect(await ids('?created_from=2026-11-11')).toEqual([third, second]);
    expect(await ids('?created_to=2026-11-11')).toEqual([second, first]);
    expect(await ids('?created_from=2026-11-11&created_to=2026-11-11')).toEqual([second]);
    expect(await ids('?created_from=2026-11-13')).toEqual([]);
  });

  it('refuses a date that is not a calendar day, in the envelope', async () => {
    for (const query of ['?created_from=2026-02-31', '?created_to=11/11/2026', '?created_from=2026-13-01']) {
      const answer = await me.call('GET', `/v2/orders${query}`);
      expect(answer.statusCode, query).toBe(422);
      expect(answer.json().error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('gives the web list and its CSV the same filter', async () => {
    const login = await world.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      payload: new URLSearchParams({ email: me.account.email, password: PASSWORD }).toString(),
    });
    expect(login.statusCode, login.body).toBe(303);
    const cookie = cookiesSet(login.headers['set-cookie']).join('; ');
    const page = await world.app.inject({
      method: 'GET',
      url: '/orders?from=2026-11-12',
      headers: { cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="2026-11-12"');
    const csv = await world.app.inject({
      method: 'GET',
      url: '/orders/export.csv?from=2026-11-11&to=2026-11-11',
      headers: { cookie },
    });
    expect(csv.statusCode).toBe(200);
    const rows = csv.body.trim().split('\n').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(String(second));
  });
});
