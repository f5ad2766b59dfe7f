/**
 * Fault injection, per persona and at run time: every mode as a client meets it over real HTTP, the
 * counters it leaves, and close() releasing requests the 'timeout' fault holds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ALPHA_API_KEY, BETA_API_KEY, GAMMA_TOKEN, SimError, type Simulator } from '../../src/sim/index.ts';
import { callFivesim, callHandler, startTestSimulator } from './sim-client.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());
afterEach(() => {
  for (const name of ['alpha', 'beta', 'gamma']) sim.setFault(name, 'ok');
});

const balanceUrl = () =>
  `${sim.baseUrl('alpha')}/stubs/handler_api.php?api_key=${ALPHA_API_KEY}&action=getBalance`;
const alpha = (params: Record<string, string>) =>
  callHandler(sim, 'alpha', { api_key: ALPHA_API_KEY, ...params });
const counters = (name: string) => sim.personas().find((p) => p.name === name)!.counters;

describe('fault modes', () => {
  test('down: the connection closes without an answer', async () => {
    const before = counters('alpha');
    sim.setFault('alpha', 'down');
    await expect(fetch(balanceUrl())).rejects.toThrow(TypeError);
    const after = counters('alpha');
    expect(after.faulted).toBe(before.faulted + 1);
    expect(after.requests.getBalance).toBe((before.requests.getBalance ?? 0) + 1);
    sim.setFault('alpha', 'ok');
    expect((await alpha({ action: 'getBalance' })).body).toMatch(/^ACCESS_BALANCE:/);
  });

  test('slow: the normal answer after latencyMs', async () => {
    sim.setFault('alpha', 'slow', { latencyMs: 200 });
    const started = performance.now();
    const reply = await alpha({ action: 'getBalance' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(reply.body).toMatch(/^ACCESS_BALANCE:/);
    expect(sim.personas().find((p) => p.name === 'alpha')).toMatchObject({ fault: 'slow', latencyMs: 200 });
  });

  test('timeout: no answer until the client gives up', async () => {
    sim.setFault('gamma', 'timeout');
    const started = performance.now();
    await expect(
      fetch(`${sim.baseUrl('gamma')}/user/profile`, {
        headers: { authorization: `Bearer ${GAMMA_TOKEN}` },
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toThrow(/timeout|aborted/i);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('http500: a 500 with a short text', async () => {
    sim.setFault('beta', 'http500');
    const reply = await callHandler(sim, 'beta', { api_key: BETA_API_KEY, action: 'getBalance' });
    expect(reply).toEqual({
      status: 500,
      contentType: expect.stringContaining('text/plain'),
      body: 'Internal Server Error',
    });
  });

  test('garbage: HTTP 200 with bytes that are not the protocol', async () => {
    sim.setFault('alpha', 'garbage');
    sim.setFault('gamma', 'garbage');
    for (let i = 0; i < 4; i++) {
      const handler = await alpha({ action: 'getBalance' });
      expect(handler.status).toBe(200);
      expect(handler.body).not.toMatch(/^ACCESS_BALANCE:/);
      const fivesim = await callFivesim(sim, 'gamma', 'user/profile', GAMMA_TOKEN);
      expect(fivesim.status).toBe(200);
      const parsed = (() => {
        try {
          return JSON.parse(fivesim.body) as unknown;
        } catch {
          return undefined;
        }
      })();
      expect(parsed).not.toMatchObject({ balance: expect.any(Number) });
    }
  });

  test('no_numbers: buying finds no numbers, everything else works', async () => {
    for (const name of ['alpha', 'beta', 'gamma']) sim.setFault(name, 'no_numbers');
    expect((await alpha({ action: 'getNumber', service: 'wa', country: '6' })).body).toBe('NO_NUMBERS');
    expect((await alpha({ action: 'getBalance' })).body).toMatch(/^ACCESS_BALANCE:/);
    expect(
      JSON.parse((await alpha({ action: 'getPrices', country: '6', service: 'wa' })).body)['6'].wa.count,
    ).toBeGreaterThan(0);
    const beta = await callHandler(sim, 'beta', {
      api_key: BETA_API_KEY,
      action: 'getNumber',
      service: 'wa',
      country: '6',
    });
    expect(beta).toMatchObject({ status: 200, body: 'NO_NUMBERS' });
    const gamma = await callFivesim(sim, 'gamma', 'user/buy/activation/indonesia/any/whatsapp', GAMMA_TOKEN);
    expect(gamma).toMatchObject({ status: 200, body: 'no free phones' });
    expect((await callFivesim(sim, 'gamma', 'guest/prices?country=indonesia&product=whatsapp')).status).toBe(
      200,
    );
  });

  test('faults are per persona', async () => {
    sim.setFault('alpha', 'http500');
    expect((await alpha({ action: 'getBalance' })).status).toBe(500);
    expect((await callHandler(sim, 'beta', { api_key: BETA_API_KEY, action: 'getBalance' })).status).toBe(
      200,
    );
  });

  test('setFault refuses unknown personas and modes', () => {
    expect(() => sim.setFault('nobody', 'down')).toThrow(SimError);
    expect(() => sim.setFault('alpha', 'melting' as never)).toThrow(/unknown fault/);
    expect(() => sim.setFault('alpha', 'slow', { latencyMs: -5 })).toThrow(/latencyMs/);
  });
});

test('close() returns promptly with timeout-mode requests pending', async () => {
  const own = await startTestSimulator();
  own.setFault('alpha', 'timeout');
  const pending = fetch(
    `${own.baseUrl('alpha')}/stubs/handler_api.php?api_key=${ALPHA_API_KEY}&action=getBalance`,
  );
  const outcome = pending.then(
    () => 'answered',
    () => 'failed',
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  await own.close();
  expect(performance.now() - started).toBeLessThan(1000);
  expect(await outcome).toBe('failed');
});
