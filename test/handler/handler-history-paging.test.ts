/**
 * getHistory and getActiveActivations page in the database: a date range with a page size returns the
 * whole page inside the range (not a page of everything, filtered afterwards), and the open-activation
 * list reads at most one page of rows however many activations are open.
 */
import { describe, expect, it } from 'vitest';
import { HISTORY_PAGE_MAX } from '../../src/orders/list-orders.ts';
import { ORDER_SELECT } from '../../src/orders/order.ts';
import { orderWorld } from '../orders/order-fixture.ts';
import { expectJson, expectText, type HandlerCustomer, handlerCustomer } from './handler-client.ts';

const world = await orderWorld();
const DAY = 86_400;

async function buy(me: HandlerCustomer): Promise<number> {
  const match = expectText(
    await me.h({ action: 'getNumber', service: 'wa', country: 6 }),
    /^ACCESS_NUMBER:(\d+):\d+$/,
  );
  return Number(match[1]);
}

/** Rows each orders read returned while fn ran, observed on the real pool. */
async function orderRowsRead(fn: () => Promise<void>): Promise<number[]> {
  const pool = world.ctx.db;
  const query = pool.query.bind(pool);
  const counts: number[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: a pass-through over pg's overloaded query().
  (pool as any).query = async (...args: any[]) => {
    const result = await (query as (...a: unknown[]) => Promise<{ rowCount: number | null }>)(...args);
    const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
    if (typeof text === 'string' && text.startsWith(ORDER_SELECT)) counts.push(result.rowCount ?? 0);
    return result;
  };
  try {
    await fn();
  } finally {
    (pool as { query: unknown }).query = query;
  }
  return counts;
}

describe('getHistory', () => {
  it('pages within the date range: size rows from inside it, most recent first', async () => {
    const me = await handlerCustomer(world);
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await buy(me));
    // Created one a day, oldest first: ids[5] today, ids[0] five days ago.
    const today = Math.floor(world.clock.now().getTime() / 1000 / DAY) * DAY + 12 * 3600;
    for (const [i, id] of ids.entries()) {
      await world.ctx.db.query(`UPDATE orders SET created_at = to_timestamp($2) WHERE id = $1`, [
        id,
        today - (5 - i) * DAY,
      ]);
    }
    const history = async (params: Record<string, number>) =>
      (expectJson(await me.h({ action: 'getHistory', ...params })) as Array<{ id: string }>).map((r) =>
        Number(r.id),
      );

    // Days 4 to 1 ago hold ids[1..4]; two per page.
    const range = { start: today - 4 * DAY, end: today - DAY };
    expect(await history({ ...range, size: 2 })).toEqual([ids[4], ids[3]]);
    expect(await history({ ...range, size: 2, offset: 2 })).toEqual([ids[2], ids[1]]);
    expect(await history({ ...range, size: 2, offset: 4 })).toEqual([]);
    // Both bounds are inclusive, to the second the protocol shows.
    expect(await history({ start: today - DAY, end: today - DAY })).toEqual([ids[4]]);
    expect(await history({ start: today - 2 * DAY + 1, end: today - DAY - 1 })).toEqual([]);
    // Open-ended ranges.
    expect(await history({ start: today - DAY })).toEqual([ids[5], ids[4]]);
    expect(await history({ end: today - 4 * DAY, size: 1 })).toEqual([ids[1]]);
    expect(await history({})).toEqual([...ids].reverse());
  });
});

describe('getActiveActivations', () => {
  it('reads at most one page of open activations, however many are open', async () => {
    const me = await handlerCustomer(world, 100_000_000);
    const created: number[] = [];
    for (const quantity of [100, 5]) {
      const response = await me.call('POST', '/v1/orders/create', {
        catalog_product_id: world.catalogProductId,
        quantity,
      });
      expect(response.statusCode).toBe(200);
      created.push(...response.json().data.orders.map((o: { id: number }) => o.id));
    }
    expect(created).toHaveLength(105);
    const newestFirst = [...created].sort((a, b) => b - a);
    const active = async (params: Record<string, number>) => {
      const body = expectJson(await me.h({ action: 'getActiveActivations', ...params }));
      return (body.activeActivations ?? []).map((a: { activationId: string }) => Number(a.activationId));
    };

    let firstPage: number[] = [];
    const rowsRead = await orderRowsRead(async () => {
      firstPage = await active({});
    });
    expect(firstPage).toEqual(newestFirst.slice(0, HISTORY_PAGE_MAX));
    expect(rowsRead.length).toBeGreaterThan(0);
    expect(Math.max(...rowsRead)).toBeLessThanOrEqual(HISTORY_PAGE_MAX);

    expect(await active({ start: 100 })).toEqual(newestFirst.slice(100));
    expect(await active({ start: 10, limit: 3 })).toEqual(newestFirst.slice(10, 13));
    expect(await active({ limit: 1_000 })).toHaveLength(HISTORY_PAGE_MAX);
    expect(expectJson(await me.h({ action: 'getActiveActivations', start: 105 }))).toEqual({
      status: 'error',
      error: 'NO_ACTIVATIONS',
    });
  });
});
