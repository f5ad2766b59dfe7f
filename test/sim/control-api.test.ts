/**
 * The control API on the simulator's own port (what demos and other processes use), and the matching
 * in-process calls: persona state, run-time changes, counters, SMS injection, activation inspection.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../src/platform/logger.ts';
import {
  ALPHA_API_KEY,
  BETA_API_KEY,
  DEFAULT_PERSONAS,
  GAMMA_TOKEN,
  type PersonaState,
  type Simulator,
} from '../../src/sim/index.ts';
import { callHandler, controlCall, startTestSimulator } from './sim-client.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

const alpha = (params: Record<string, string>) =>
  callHandler(sim, 'alpha', { api_key: ALPHA_API_KEY, ...params });

async function buy(): Promise<string> {
  return (await alpha({ action: 'getNumber', service: 'wa', country: '6' })).body.split(':')[1]!;
}

describe('default personas', () => {
  test('alpha, beta and gamma with fixed, realistic credentials', () => {
    expect(DEFAULT_PERSONAS.map((p) => [p.name, p.protocol, p.dialect, p.currency, p.delivery])).toEqual([
      ['alpha', 'handler', 'plain', 'USD', 'poll'],
      ['beta', 'handler', 'json', 'USD', 'push'],
      ['gamma', 'fivesim', undefined, 'RUB', 'poll'],
    ]);
    expect(ALPHA_API_KEY).toMatch(/^[0-9a-f]{32}$/);
    expect(BETA_API_KEY).toMatch(/^[0-9a-f]{32}$/);
    expect(GAMMA_TOKEN).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('base URLs: handler at the persona prefix, 5SIM below /v1', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.baseUrl('alpha')).toBe(`${sim.url}/alpha`);
    expect(sim.baseUrl('gamma')).toBe(`${sim.url}/gamma/v1`);
    expect(() => sim.baseUrl('nobody')).toThrow(/unknown persona/);
  });
});

describe('control API', () => {
  test('GET /control/personas lists every persona with its state', async () => {
    const { status, json } = await controlCall(sim, 'GET', 'personas');
    expect(status).toBe(200);
    const states = json as PersonaState[];
    expect(states.map((s) => s.name)).toEqual(['alpha', 'beta', 'gamma']);
    expect(states[0]).toMatchObject({
      protocol: 'handler',
      dialect: 'plain',
      credential: ALPHA_API_KEY,
      baseUrl: sim.baseUrl('alpha'),
      fault: 'ok',
      latencyMs: 1500,
      webhookUrl: null,
      earlyCancelMs: 0,
      activationTtlMs: 20 * 60_000,
      balance: expect.stringMatching(/^\d+\.\d{2,4}$/),
      countries: 205,
    });
    expect(states[2]).toMatchObject({ protocol: 'fivesim', currency: 'RUB', activationTtlMs: 15 * 60_000 });
    expect(states[2]).not.toHaveProperty('dialect');
    expect(states).toEqual(sim.personas());
  });

  test('PATCH switches a fault and other settings at run time', async () => {
    const patched = await controlCall(sim, 'PATCH', 'personas/alpha', {
      fault: 'http500',
      latencyMs: 25,
      smsDelayMs: 1234,
      noSmsRate: 0.5,
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ fault: 'http500', latencyMs: 25, smsDelayMs: 1234, noSmsRate: 0.5 });
    expect((await alpha({ action: 'getBalance' })).status).toBe(500);
    await controlCall(sim, 'PATCH', 'personas/alpha', { fault: 'ok', smsDelayMs: 60_000, noSmsRate: 0 });
    expect((await alpha({ action: 'getBalance' })).status).toBe(200);
  });

  test('PATCH refuses bad input with 400 and unknown personas with 404', async () => {
    const bad = await controlCall(sim, 'PATCH', 'personas/alpha', {
      fault: 'melting',
      noSmsRate: 2,
      colour: 'red',
    });
    expect(bad.status).toBe(400);
    const message = (bad.json as { error: string }).error;
    expect(message).toMatch(/fault/);
    expect(message).toMatch(/noSmsRate/);
    expect(message).toMatch(/colour/);
    expect((await controlCall(sim, 'PATCH', 'personas/alpha', '{not json')).status).toBe(400);
    expect((await controlCall(sim, 'PATCH', 'personas/alpha', { webhookUrl: 'ftp://x' })).status).toBe(400);
    expect((await controlCall(sim, 'PATCH', 'personas/alpha', [1, 2])).status).toBe(400);
    expect((await controlCall(sim, 'PATCH', 'personas/nobody', { fault: 'ok' })).status).toBe(404);
    expect(sim.personas()[0]!.fault).toBe('ok');
  });

  test('counters count requests per action, numbers and SMS', async () => {
    const before = (await controlCall(sim, 'GET', 'personas/alpha/counters'))
      .json as PersonaState['counters'];
    await alpha({ action: 'getBalance' });
    await alpha({ action: 'getBalance' });
    const id = await buy();
    await sim.injectSms('alpha', id);
    const after = (await controlCall(sim, 'GET', 'personas/alpha/counters')).json as PersonaState['counters'];
    expect(after.requests.getBalance).toBe((before.requests.getBalance ?? 0) + 2);
    expect(after.requests.getNumber).toBe((before.requests.getNumber ?? 0) + 1);
    expect(after.numbersIssued).toBe(before.numbersIssued + 1);
    expect(after.smsSent).toBe(before.smsSent + 1);
  });

  test('POST …/sms injects an SMS now: with a code, with a text, or drawn', async () => {
    const id = await buy();
    const withCode = await controlCall(sim, 'POST', `personas/alpha/activations/${id}/sms`, { code: '4321' });
    expect(withCode.status).toBe(200);
    expect(withCode.json).toMatchObject({ code: '4321', text: expect.stringContaining('4321') });
    expect((await alpha({ action: 'getStatus', id })).body).toBe('STATUS_OK:4321');

    const withText = await controlCall(sim, 'POST', `personas/alpha/activations/${id}/sms`, {
      text: 'Your code is 8765, welcome',
    });
    expect(withText.json).toEqual({ text: 'Your code is 8765, welcome', code: '8765' });
    expect((await alpha({ action: 'getFullSms', id })).body).toBe('FULL_SMS:Your code is 8765, welcome');

    const drawn = await controlCall(sim, 'POST', `personas/alpha/activations/${id}/sms`);
    expect((drawn.json as { code: string }).code).toMatch(/^\d{6}$/);
  });

  test('injection errors: bad input 400, unknown 404, closed activation 409', async () => {
    const id = await buy();
    const path = `personas/alpha/activations/${id}/sms`;
    expect((await controlCall(sim, 'POST', path, { code: '12:34' })).status).toBe(400);
    expect((await controlCall(sim, 'POST', path, { text: 'no digits here' })).status).toBe(400);
    expect((await controlCall(sim, 'POST', path, { code: 5 })).status).toBe(400);
    expect((await controlCall(sim, 'POST', 'personas/alpha/activations/1/sms', {})).status).toBe(404);
    expect((await controlCall(sim, 'POST', 'personas/nobody/activations/1/sms', {})).status).toBe(404);
    await alpha({ action: 'setStatus', id, status: '8' });
    const closed = await controlCall(sim, 'POST', path, { code: '1111' });
    expect(closed.status).toBe(409);
    await expect(sim.injectSms('alpha', id, { code: '1111' })).rejects.toThrow(/canceled/);
    await expect(sim.injectSms('alpha', '1', {})).rejects.toThrow(/unknown activation/);
  });

  test('GET an activation shows its state', async () => {
    const id = await buy();
    await sim.injectSms('alpha', id, { code: '5555' });
    const { status, json } = await controlCall(sim, 'GET', `personas/alpha/activations/${id}`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      id,
      persona: 'alpha',
      protocol: 'handler',
      status: 'received',
      countryId: 6,
      platformId: 1,
      service: 'wa',
      product: 'whatsapp',
      phone: expect.stringMatching(/^628/),
      currency: 'USD',
      smsExpectedAt: null,
      messages: [
        { code: '5555', text: expect.any(String), sender: 'WhatsApp', receivedAt: expect.any(String) },
      ],
    });
    expect((await controlCall(sim, 'GET', 'personas/alpha/activations/1')).status).toBe(404);
    const list = (await controlCall(sim, 'GET', 'personas/alpha/activations')).json as Array<{ id: string }>;
    expect(list.map((a) => a.id)).toContain(id);
  });

  test('unknown routes are 404, wrong methods 405; / is an index', async () => {
    expect((await controlCall(sim, 'GET', 'nothing')).status).toBe(404);
    expect((await controlCall(sim, 'DELETE', 'personas/alpha')).status).toBe(405);
    const index = (await (await fetch(sim.url)).json()) as {
      personas: Array<{ name: string; baseUrl: string }>;
    };
    expect(index.personas).toContainEqual({
      name: 'gamma',
      protocol: 'fivesim',
      baseUrl: sim.baseUrl('gamma'),
    });
    expect((await fetch(`${sim.url}/nobody/stubs/handler_api.php`)).status).toBe(404);
  });
});

test('options are validated', async () => {
  await expect(startTestSimulator({ noSmsRate: 2 })).rejects.toThrow(/noSmsRate/);
  await expect(
    startTestSimulator({
      personas: [
        {
          name: 'Bad Name',
          protocol: 'handler',
          currency: 'USD',
          credential: 'k',
          priceFactor: 1,
          delivery: 'poll',
        },
      ],
    }),
  ).rejects.toThrow(/name/);
  await expect(
    startTestSimulator({
      personas: [
        {
          name: 'twin',
          protocol: 'handler',
          currency: 'USD',
          credential: 'k',
          priceFactor: 1,
          delivery: 'poll',
        },
        {
          name: 'twin',
          protocol: 'fivesim',
          currency: 'RUB',
          credential: 'k',
          priceFactor: 1,
          delivery: 'poll',
        },
      ],
    }),
  ).rejects.toThrow(/duplicate/);
});

test('logs through a pino-compatible logger', async () => {
  const lines: Array<{ level: string; obj: object; msg: string | undefined }> = [];
  const record = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, msg });
  const logged = await startTestSimulator({
    log: { info: record('info'), warn: record('warn'), debug: record('debug') },
  });
  await callHandler(logged, 'alpha', { api_key: ALPHA_API_KEY, action: 'getBalance' });
  await logged.close();
  expect(lines).toContainEqual({
    level: 'info',
    obj: expect.objectContaining({ url: logged.url }),
    msg: 'provider simulator listening',
  });
  expect(lines).toContainEqual({
    level: 'debug',
    obj: { persona: 'alpha', action: 'getBalance', status: 200 },
    msg: 'sim request',
  });
  // A pino logger fits the option as it is.
  const withPino = await startTestSimulator({ log: createLogger('silent') });
  await withPino.close();
});
