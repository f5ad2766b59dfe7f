/**
 * 5SIM v1 over real HTTP: persona gamma. Guest endpoints without a token, user endpoints with a bearer
 * token, order objects as in the docs, plain-text errors ("no free phones" with HTTP 200).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedCatalogRows } from '../../src/catalog/catalog-codes.ts';
import { GAMMA_TOKEN, type Simulator } from '../../src/sim/index.ts';
import {
  callFivesim,
  controlCall,
  sleep,
  startTestSimulator,
  type WireReply,
  waitFor,
} from './sim-client.ts';

interface Order {
  id: number;
  phone: string;
  operator: string;
  product: string;
  price: number;
  status: string;
  expires: string;
  sms: Array<{ created_at: string; date: string; sender: string; text: string; code: string }>;
  created_at: string;
  forwarding: boolean;
  forwarding_number: string;
  country: string;
}

type PriceRow = { cost: number; count: number; rate: number };

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

const guest = (path: string) => callFivesim(sim, 'gamma', `guest/${path}`);
const user = (path: string, token = GAMMA_TOKEN) => callFivesim(sim, 'gamma', `user/${path}`, token);

function order(reply: WireReply): Order {
  expect(reply.status, reply.body).toBe(200);
  expect(reply.contentType).toContain('application/json');
  return JSON.parse(reply.body) as Order;
}

async function prices(country: string, product: string): Promise<Record<string, PriceRow>> {
  const body = JSON.parse((await guest(`prices?country=${country}&product=${product}`)).body);
  return body[country][product];
}

async function balance(): Promise<number> {
  return (JSON.parse((await user('profile')).body) as { balance: number }).balance;
}

function expectText(reply: WireReply, status: number, body: string): void {
  expect(reply.status).toBe(status);
  expect(reply.body).toBe(body);
}

describe('guest endpoints', () => {
  test('countries carry iso, prefix, names and operators', async () => {
    const countries = JSON.parse((await guest('countries')).body);
    expect(countries.indonesia).toMatchObject({
      iso: { id: 1 },
      prefix: { '+62': 1 },
      text_en: 'Indonesia',
      telkomsel: { activation: 1 },
    });
  });

  test('prices: any first, then named operators; any is the cheapest with stock and the sum', async () => {
    const rows = await prices('indonesia', 'whatsapp');
    const operators = Object.keys(rows);
    expect(operators[0]).toBe('any');
    expect(operators.length).toBeGreaterThanOrEqual(2);
    expect(operators.length).toBeLessThanOrEqual(4);
    expect(operators).toContain('telkomsel');
    const named = operators.slice(1).map((op) => rows[op]!);
    expect(rows.any!.count).toBe(named.reduce((sum, r) => sum + r.count, 0));
    expect(rows.any!.cost).toBe(Math.min(...named.filter((r) => r.count > 0).map((r) => r.cost)));
    for (const row of Object.values(rows)) {
      expect(String(row.cost)).toMatch(/^\d+(\.\d{1,2})?$/);
      expect(row.rate).toBeGreaterThan(50);
    }
  });

  test('products per country and operator', async () => {
    const any = JSON.parse((await guest('products/indonesia/any')).body);
    expect(any.whatsapp).toEqual({
      Category: 'activation',
      Qty: expect.any(Number),
      Price: expect.any(Number),
    });
    const rows = await prices('indonesia', 'whatsapp');
    expect(any.whatsapp.Price).toBe(rows.any!.cost);
    const telkomsel = JSON.parse((await guest('products/indonesia/telkomsel')).body);
    expect(telkomsel.whatsapp.Price).toBe(rows.telkomsel!.cost);
    expectText(await guest('products/atlantis/any'), 400, 'bad country');
    expectText(await guest('products/indonesia/nosuchtel'), 400, 'bad operator');
  });

  test('price filters: bad names are refused; nothing offered with both filters is null', async () => {
    expectText(await guest('prices?country=atlantis'), 400, 'bad country');
    expectText(await guest('prices?product=nosuchproduct'), 400, 'no product');
    const offered = Object.keys(JSON.parse((await guest('products/indonesia/any')).body));
    const missing = seedCatalogRows().platforms.find((p) => !offered.includes(p.code))!;
    expect((await guest(`prices?country=indonesia&product=${missing.code}`)).body).toBe('null');
    const byProduct = JSON.parse((await guest('prices?product=telegram')).body);
    expect(Object.keys(byProduct)).toContain('indonesia');
    expect(Object.keys(byProduct.indonesia)).toEqual(['telegram']);
  });
});

describe('user endpoints', () => {
  test('a wrong or missing token is 401 with an empty body', async () => {
    expectText(await callFivesim(sim, 'gamma', 'user/profile'), 401, '');
    expectText(await user('profile', 'eyJnot.the.token'), 401, '');
  });

  test('profile', async () => {
    const profile = JSON.parse((await user('profile')).body);
    expect(profile).toMatchObject({
      email: 'gamma@sim.numpool.local',
      balance: expect.any(Number),
      rating: expect.any(Number),
      default_country: { name: 'russia', iso: 'ru', prefix: '+7' },
      frozen_balance: 0,
    });
  });

  test('buy → PENDING order with a +phone; code → RECEIVED; finish → FINISHED', async () => {
    const before = await balance();
    const rows = await prices('indonesia', 'whatsapp');
    const bought = order(await user('buy/activation/indonesia/any/whatsapp'));
    expect(Object.keys(bought).sort()).toEqual(
      [
        'id',
        'phone',
        'operator',
        'product',
        'price',
        'status',
        'expires',
        'sms',
        'created_at',
        'forwarding',
        'forwarding_number',
        'country',
      ].sort(),
    );
    expect(bought).toMatchObject({
      phone: expect.stringMatching(/^\+628\d{8,10}$/),
      product: 'whatsapp',
      price: rows.any!.cost,
      status: 'PENDING',
      sms: [],
      country: 'indonesia',
      forwarding: false,
    });
    expect(Date.parse(bought.expires) - Date.parse(bought.created_at)).toBe(15 * 60_000);
    // 'any' bought from the cheapest pool: the order names that operator.
    expect(rows[bought.operator]!.cost).toBe(rows.any!.cost);
    expect(await balance()).toBeCloseTo(before - bought.price, 2);
    expect((await prices('indonesia', 'whatsapp'))[bought.operator]!.count).toBe(
      rows[bought.operator]!.count - 1,
    );

    const sms = await sim.injectSms('gamma', String(bought.id), { code: '482913' });
    const received = order(await user(`check/${bought.id}`));
    expect(received.status).toBe('RECEIVED');
    expect(received.sms).toEqual([
      {
        created_at: expect.any(String),
        date: expect.any(String),
        sender: 'WhatsApp',
        text: sms.text,
        code: '482913',
      },
    ]);
    expectText(await user(`cancel/${bought.id}`), 400, 'order has sms');
    expect(order(await user(`finish/${bought.id}`)).status).toBe('FINISHED');
    expect(order(await user(`finish/${bought.id}`)).status).toBe('FINISHED');
    expect(order(await user(`check/${bought.id}`)).status).toBe('FINISHED');
  });

  test('an order still waiting for its SMS turns from PENDING to RECEIVED after a second', async () => {
    const bought = order(await user('buy/activation/russia/any/vk'));
    expect(bought.status).toBe('PENDING');
    await sleep(1050);
    expect(order(await user(`check/${bought.id}`))).toMatchObject({ status: 'RECEIVED', sms: [] });
  });

  test('scheduled SMS arrive on their own', async () => {
    await controlCall(sim, 'PATCH', 'personas/gamma', { smsDelayMs: 30 });
    try {
      const bought = order(await user('buy/activation/russia/any/telegram'));
      const done = await waitFor(
        async () => order(await user(`check/${bought.id}`)),
        (o) => o.sms.length > 0,
      );
      expect(done.status).toBe('RECEIVED');
      expect(done.sms[0]!.code).toMatch(/^\d{5}$/);
      expect(done.sms[0]!.text).toContain(done.sms[0]!.code);
    } finally {
      await controlCall(sim, 'PATCH', 'personas/gamma', { smsDelayMs: 60_000 });
    }
  });

  test('cancel refunds and returns stock; finish without SMS is refused; ban', async () => {
    const before = await balance();
    const bought = order(await user('buy/activation/indonesia/telkomsel/whatsapp'));
    expect(bought.operator).toBe('telkomsel');
    expect(bought.price).toBe((await prices('indonesia', 'whatsapp')).telkomsel!.cost);
    expectText(await user(`finish/${bought.id}`), 400, 'order no sms');
    expect(order(await user(`cancel/${bought.id}`)).status).toBe('CANCELED');
    expect(order(await user(`cancel/${bought.id}`)).status).toBe('CANCELED');
    expect(await balance()).toBeCloseTo(before, 2);
    expectText(await user(`finish/${bought.id}`), 400, 'order expired');

    const banned = order(await user('buy/activation/indonesia/any/whatsapp'));
    expect(order(await user(`ban/${banned.id}`)).status).toBe('BANNED');
    expect(await balance()).toBeCloseTo(before, 2);
  });

  test('buy errors', async () => {
    expectText(await user('check/999'), 404, 'order not found');
    expectText(await user('buy/activation/atlantis/any/whatsapp'), 400, 'bad country');
    expectText(await user('buy/activation/indonesia/nosuchtel/whatsapp'), 400, 'bad operator');
    expectText(await user('buy/activation/indonesia/any/nosuchproduct'), 400, 'no product');
    expectText(await user('buy/activation/indonesia/any/whatsapp?maxPrice=0.01'), 200, 'no free phones');

    const before = (await controlCall(sim, 'GET', 'personas/gamma')).json as { balance: string };
    await controlCall(sim, 'PATCH', 'personas/gamma', { balance: '0' });
    try {
      expectText(await user('buy/activation/indonesia/any/whatsapp'), 400, 'not enough user balance');
    } finally {
      await controlCall(sim, 'PATCH', 'personas/gamma', { balance: before.balance });
    }
  });

  test('orders lists activations', async () => {
    const bought = order(await user('buy/activation/india/any/telegram'));
    const list = JSON.parse((await user('orders?category=activation&reverse=true')).body) as {
      Data: Order[];
      Total: number;
      ProductNames: unknown[];
      Statuses: unknown[];
    };
    expect(list.Data[0]!.id).toBe(bought.id);
    expect(list.Total).toBe(list.Data.length);
    const page = JSON.parse((await user('orders?category=activation&limit=1&offset=1')).body) as {
      Data: Order[];
    };
    expect(page.Data).toHaveLength(1);
  });
});

test('an order without SMS times out and is refunded', async () => {
  const short = await startTestSimulator({
    noSmsRate: 1,
    personas: [
      {
        name: 'quick',
        protocol: 'fivesim',
        currency: 'RUB',
        credential: 'eyJq',
        priceFactor: 1,
        delivery: 'poll',
        activationTtlMs: 120,
      },
    ],
  });
  try {
    const call = (path: string) => callFivesim(short, 'quick', `user/${path}`, 'eyJq');
    const before = JSON.parse((await call('profile')).body).balance as number;
    const bought = order(await call('buy/activation/russia/any/vk'));
    const timedOut = await waitFor(
      async () => order(await call(`check/${bought.id}`)),
      (o) => o.status === 'TIMEOUT',
    );
    expect(timedOut.status).toBe('TIMEOUT');
    expect(JSON.parse((await call('profile')).body).balance).toBe(before);
  } finally {
    await short.close();
  }
});
