/**
 * The HeroSMS (json) dialect over real HTTP: persona beta. Errors are `{"title","details"}` with a 4xx,
 * a missing key is 422 UNPROCESSABLE_ENTITY, unknown activations 404 NOT_FOUND, yet NO_NUMBERS stays plain
 * text with 200; successes are the same plain lines as the original.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BETA_API_KEY, type Simulator } from '../../src/sim/index.ts';
import { callHandler, controlCall, startTestSimulator, type WireReply } from './sim-client.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

const beta = (params: Record<string, string>) =>
  callHandler(sim, 'beta', { api_key: BETA_API_KEY, ...params });

async function buy(): Promise<string> {
  const reply = await beta({ action: 'getNumber', service: 'wa', country: '6' });
  expect(reply.body).toMatch(/^ACCESS_NUMBER:\d+:628\d+$/);
  return reply.body.split(':')[1]!;
}

function expectJsonError(reply: WireReply, status: number, body: Record<string, unknown>): void {
  expect(reply.status).toBe(status);
  expect(reply.contentType).toContain('application/json');
  expect(JSON.parse(reply.body)).toEqual(body);
}

describe('json dialect errors', () => {
  test('a missing key is 422 UNPROCESSABLE_ENTITY, even for an unknown action', async () => {
    const missing = {
      title: 'UNPROCESSABLE_ENTITY',
      details: 'Validation failed',
      info: { field: 'api_key', code: 'REQUIRED', message: '' },
    };
    expectJsonError(await callHandler(sim, 'beta', { action: 'getBalance' }), 422, missing);
    expectJsonError(await callHandler(sim, 'beta', { action: 'noSuchAction' }), 422, missing);
  });

  test('BAD_KEY 401, BAD_ACTION 400, BAD_SERVICE 422, NOT_FOUND 404, BAD_STATUS 400', async () => {
    expectJsonError(
      await callHandler(sim, 'beta', { api_key: 'ffffffffffffffffffffffffffffffff', action: 'getBalance' }),
      401,
      { title: 'BAD_KEY', details: 'Invalid API key' },
    );
    expectJsonError(await beta({ action: 'noSuchAction' }), 400, {
      title: 'BAD_ACTION',
      details: 'Unknown action',
    });
    expectJsonError(await beta({ action: 'getNumber', service: 'nope', country: '6' }), 422, {
      title: 'BAD_SERVICE',
      details: 'Unknown service',
    });
    expectJsonError(await beta({ action: 'getStatus', id: '12345' }), 404, {
      title: 'NOT_FOUND',
      details: 'Activation Not Found',
    });
    const id = await buy();
    expectJsonError(await beta({ action: 'setStatus', id, status: '6' }), 400, {
      title: 'BAD_STATUS',
      details: 'This status cannot be set now',
    });
  });

  test('cancel after a code is 409 OTP_RECEIVED', async () => {
    const id = await buy();
    await sim.injectSms('beta', id, { code: '2468' });
    expectJsonError(await beta({ action: 'setStatus', id, status: '8' }), 409, {
      title: 'OTP_RECEIVED',
      details: 'The code has already been received',
    });
    expect((await beta({ action: 'getStatus', id })).body).toBe('STATUS_OK:2468');
  });

  test('WRONG_MAX_PRICE is 409 with the minimum price', async () => {
    const prices = JSON.parse((await beta({ action: 'getPrices', country: '6', service: 'wa' })).body);
    const cost = prices['6'].wa.cost as number;
    const reply = await beta({ action: 'getNumber', service: 'wa', country: '6', maxPrice: '0.001' });
    expectJsonError(reply, 409, {
      title: 'WRONG_MAX_PRICE',
      details: `Max price is below the current price ${cost}`,
      info: { minPrice: cost },
    });
  });

  test('NO_BALANCE is 402', async () => {
    const before = (await beta({ action: 'getBalance' })).body.split(':')[1]!;
    await controlCall(sim, 'PATCH', 'personas/beta', { balance: 0 });
    try {
      expectJsonError(await beta({ action: 'getNumber', service: 'wa', country: '6' }), 402, {
        title: 'NO_BALANCE',
        details: 'Not enough funds on the balance',
      });
    } finally {
      await controlCall(sim, 'PATCH', 'personas/beta', { balance: before });
    }
  });

  test('NO_NUMBERS stays plain text with HTTP 200', async () => {
    sim.setFault('beta', 'no_numbers');
    try {
      const reply = await beta({ action: 'getNumberV2', service: 'wa', country: '6' });
      expect(reply).toEqual({
        status: 200,
        contentType: expect.stringContaining('text/plain'),
        body: 'NO_NUMBERS',
      });
    } finally {
      sim.setFault('beta', 'ok');
    }
  });

  test('EARLY_CANCEL_DENIED is 409', async () => {
    const strict = await startTestSimulator({
      personas: [
        {
          name: 'hero',
          protocol: 'handler',
          dialect: 'json',
          currency: 'USD',
          credential: 'c'.repeat(32),
          priceFactor: 1,
          delivery: 'poll',
          earlyCancelMs: 120_000,
        },
      ],
    });
    try {
      const call = (params: Record<string, string>) =>
        callHandler(strict, 'hero', { api_key: 'c'.repeat(32), ...params });
      const id = (await call({ action: 'getNumber', service: 'tg', country: '0' })).body.split(':')[1]!;
      expectJsonError(await call({ action: 'setStatus', id, status: '8' }), 409, {
        title: 'EARLY_CANCEL_DENIED',
        details: 'The activation cannot be cancelled yet',
      });
    } finally {
      await strict.close();
    }
  });
});

describe('json dialect successes', () => {
  test('catalog actions work without a key', async () => {
    const countries = await callHandler(sim, 'beta', { action: 'getCountries' });
    expect(countries.status).toBe(200);
    expect(JSON.parse(countries.body)['6']).toMatchObject({ id: 6, eng: 'Indonesia' });
    const services = JSON.parse((await callHandler(sim, 'beta', { action: 'getServicesList' })).body);
    expect(services.status).toBe('success');
    const operators = JSON.parse(
      (await callHandler(sim, 'beta', { action: 'getOperators', country: '6' })).body,
    );
    expect(operators.countryOperators['6']).toContain('telkomsel');
    const none = await callHandler(sim, 'beta', { action: 'getOperators', country: '99999' });
    expect(none.body).toBe('OPERATORS_NOT_FOUND');
    // Prices still need the key.
    expect((await callHandler(sim, 'beta', { action: 'getPrices' })).status).toBe(422);
  });

  test('a full flow answers plain lines with 200', async () => {
    const id = await buy();
    expect(await beta({ action: 'getStatus', id })).toMatchObject({ status: 200, body: 'STATUS_WAIT_CODE' });
    await sim.injectSms('beta', id, { code: '90210' });
    expect((await beta({ action: 'getStatus', id })).body).toBe('STATUS_OK:90210');
    expect((await beta({ action: 'setStatus', id, status: '6' })).body).toBe('ACCESS_ACTIVATION');
  });

  test('the key may come as an "Authorization: ApiKey" header', async () => {
    const reply = await callHandler(
      sim,
      'beta',
      { action: 'getBalance' },
      { headers: { authorization: `ApiKey ${BETA_API_KEY}` } },
    );
    expect(reply.body).toMatch(/^ACCESS_BALANCE:\d+\.\d{2,4}$/);
  });
});
