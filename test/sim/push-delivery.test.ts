/**
 * Push delivery to a real local webhook receiver: the SMS-Activate activation webhook payload, retries
 * with backoff on non-200 and network errors, giving up after the last retry, and poll personas that
 * never push.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { ALPHA_API_KEY, BETA_API_KEY, type PersonaCounters, type Simulator } from '../../src/sim/index.ts';
import { callHandler, controlCall, sleep, startTestSimulator, waitFor } from './sim-client.ts';

interface Received {
  method: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

let sim: Simulator;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Statuses the receiver answers with, in order; then 200. */
let statuses: number[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/provider`;
  sim = await startTestSimulator();
  await controlCall(sim, 'PATCH', 'personas/beta', { webhookUrl: receiverUrl });
});
afterAll(async () => {
  await sim.close();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  received.length = 0;
  statuses = [];
});

const beta = (params: Record<string, string>) =>
  callHandler(sim, 'beta', { api_key: BETA_API_KEY, ...params });
const betaCounters = (): PersonaCounters => sim.personas().find((p) => p.name === 'beta')!.counters;

async function buy(): Promise<string> {
  return (await beta({ action: 'getNumber', service: 'wa', country: '6' })).body.split(':')[1]!;
}

test('each SMS is POSTed as the activation webhook JSON', async () => {
  const before = betaCounters();
  const id = await buy();
  const sms = await sim.injectSms('beta', id, { code: '246810' });
  await waitFor(
    async () => received.length,
    (n) => n === 1,
  );
  expect(received).toEqual([
    {
      method: 'POST',
      contentType: 'application/json',
      body: {
        activationId: Number(id),
        service: 'wa',
        text: sms.text,
        code: '246810',
        country: 6,
        receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      },
    },
  ]);
  await waitFor(
    async () => betaCounters().smsPushed,
    (n) => n === before.smsPushed + 1,
  );
  expect(betaCounters().smsPushed).toBe(before.smsPushed + 1);
});

test('scheduled SMS are pushed too', async () => {
  await controlCall(sim, 'PATCH', 'personas/beta', { smsDelayMs: 20 });
  try {
    const id = await buy();
    await waitFor(
      async () => received.length,
      (n) => n === 1,
    );
    expect(received[0]!.body.activationId).toBe(Number(id));
    expect((await beta({ action: 'getStatus', id })).body).toBe(`STATUS_OK:${received[0]!.body.code}`);
  } finally {
    await controlCall(sim, 'PATCH', 'personas/beta', { smsDelayMs: 60_000 });
  }
});

test('a non-200 answer is retried with backoff', async () => {
  const before = betaCounters();
  statuses = [500, 503];
  const id = await buy();
  await sim.injectSms('beta', id, { code: '1357' });
  await waitFor(
    async () => betaCounters().smsPushed,
    (n) => n === before.smsPushed + 1,
  );
  expect(received).toHaveLength(3);
  expect(new Set(received.map((r) => r.body.code))).toEqual(new Set(['1357']));
  const after = betaCounters();
  expect(after.pushFailures).toBe(before.pushFailures + 2);
  expect(after.smsPushed).toBe(before.smsPushed + 1);
  expect(after.pushAbandoned).toBe(before.pushAbandoned);
});

test('an unreachable webhook is retried, then abandoned', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone`;
  await new Promise((resolve) => closed.close(resolve));
  await controlCall(sim, 'PATCH', 'personas/beta', { webhookUrl: deadUrl });
  try {
    const before = betaCounters();
    const id = await buy();
    await sim.injectSms('beta', id);
    const after = await waitFor(
      async () => betaCounters(),
      (c) => c.pushAbandoned === before.pushAbandoned + 1,
    );
    expect(after.pushAbandoned).toBe(before.pushAbandoned + 1);
    expect(after.pushFailures).toBe(before.pushFailures + 4);
    expect(after.smsPushed).toBe(before.smsPushed);
  } finally {
    await controlCall(sim, 'PATCH', 'personas/beta', { webhookUrl: receiverUrl });
  }
});

test('poll personas never push, even with a webhook URL', async () => {
  await controlCall(sim, 'PATCH', 'personas/alpha', { webhookUrl: receiverUrl });
  const id = (
    await callHandler(sim, 'alpha', {
      api_key: ALPHA_API_KEY,
      action: 'getNumber',
      service: 'wa',
      country: '6',
    })
  ).body.split(':')[1]!;
  await sim.injectSms('alpha', id, { code: '9999' });
  await sleep(100);
  expect(received).toHaveLength(0);
});
