/**
 * The simulated gateways' state file, over real HTTP through numpool's adapters: payments made at one
 * simulator are known, with their status, to the next one started on the same file, and can be paid and
 * notified there; the stored port is reused when free; a corrupt file starts the simulator empty.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuitkuGateway } from '../../src/payments/duitku/duitku-gateway.ts';
import type {
  CreatePaymentInput,
  IncomingNotification,
  PaymentGateway,
} from '../../src/payments/gateway-port.ts';
import { createHeleketGateway } from '../../src/payments/heleket/heleket-gateway.ts';
import { createStripeGateway } from '../../src/payments/stripe/stripe-gateway.ts';
import { duitkuSim } from '../../src/sim/gateways/duitku-sim.ts';
import { startGatewaySimulator } from '../../src/sim/gateways/gateway-sim-server.ts';
import { heleketSim } from '../../src/sim/gateways/heleket-sim.ts';
import { stripeSim } from '../../src/sim/gateways/stripe-sim.ts';
import { gatewayControl } from '../payments/topup-fixture.ts';
import { cleanupAfterFile } from '../support/test-database.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

const HELEKET = { merchant: 'state-merchant', paymentKey: 'state-payment-key' };
const DUITKU = { merchantCode: 'DS0002', apiKey: 'state-duitku-key' };
const STRIPE = { secretKey: 'sk_test_state', webhookSecret: 'whsec_state' };

const dir = mkdtempSync(join(tmpdir(), 'numpool-gateway-state-'));
cleanupAfterFile(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newStateFile = () => join(dir, `state-${++files}.json`);

const simulatorOn = (stateFile: string) =>
  startGatewaySimulator({
    sims: [heleketSim(HELEKET), duitkuSim(DUITKU), stripeSim({ secretKey: STRIPE.secretKey })],
    stateFile,
  });

interface Persona {
  name: 'heleket' | 'duitku' | 'stripe';
  gateway(simulatorUrl: string): PaymentGateway;
  input: Partial<CreatePaymentInput>;
  payPath(id: string): string;
}

const config = (code: Persona['name'], baseUrl: string, credentials: Record<string, string>) => ({
  code,
  baseUrl,
  credentials,
  timeoutMs: 5000,
});
const PERSONAS: Persona[] = [
  {
    name: 'heleket',
    gateway: (url) => createHeleketGateway(config('heleket', `${url}/heleket`, HELEKET)),
    input: { amount: '10.00', currency: 'USD' },
    payPath: (id) => `heleket/payments/${id}/pay`,
  },
  {
    name: 'duitku',
    gateway: (url) => new DuitkuGateway(config('duitku', `${url}/duitku`, DUITKU)),
    input: { amount: '150000', currency: 'IDR', method: 'NQ' },
    payPath: (id) => `duitku/payments/${id}/pay`,
  },
  {
    name: 'stripe',
    gateway: (url) => createStripeGateway(config('stripe', url, STRIPE)),
    input: { amount: '5.00', currency: 'USD' },
    payPath: (id) => `stripe/sessions/${id}/pay`,
  },
];

const control = (simulatorUrl: string, path: string, body: unknown = {}) =>
  gatewayControl(simulatorUrl)(path, body);

function asNotification(received: { headers: IncomingHttpHeaders; body: string }): IncomingNotification {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(received.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { rawBody: Buffer.from(received.body, 'utf8'), headers, receivedAt: new Date() };
}

/** A TCP listener on 127.0.0.1:port, so that port is taken. */
async function occupy(port: number) {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

async function waitForBody(receiver: Awaited<ReturnType<typeof startReceiver>>, text: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = receiver.received.find((r) => r.body.includes(text));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no notification about ${text}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a simulator started on the state file of another', () => {
  it('knows every payment with its status, replays retried creates, and pays and notifies the pending ones', async () => {
    const stateFile = newStateFile();
    const receiver = await startReceiver();
    const before = await simulatorOn(stateFile);
    await control(before.url, 'stripe/webhook-endpoint', { url: receiver.url, secret: STRIPE.webhookSecret });
    const made = new Map<string, { input: CreatePaymentInput; pending: string; paid: string }>();
    for (const persona of PERSONAS) {
      const gateway = persona.gateway(before.url);
      const inputFor = (topupId: string): CreatePaymentInput => ({
        topupId,
        accountId: 42,
        amount: '',
        currency: '',
        customerEmail: 'buyer@example.test',
        callbackUrl: receiver.url,
        returnUrl: 'https://numpool.example/topups/done',
        expiresAt: new Date(Date.now() + 3_600_000),
        ...persona.input,
      });
      const input = inputFor(`np-topup-${persona.name}-kept`);
      const pending = (await gateway.createPayment(input)).gatewayPaymentId;
      const paid = (await gateway.createPayment(inputFor(`np-topup-${persona.name}-paid`))).gatewayPaymentId;
      // Paid with its notification lost: only the status call can tell.
      await control(before.url, persona.payPath(paid), { notify: { times: 0 } });
      made.set(persona.name, { input, pending, paid });
    }
    await before.close();

    const after = await simulatorOn(stateFile);
    cleanupAfterFile(() => after.close());
    for (const persona of PERSONAS) {
      const { input, pending, paid } = made.get(persona.name)!;
      const gateway = persona.gateway(after.url);
      expect(await gateway.fetchStatus({ gatewayPaymentId: pending, topupId: input.topupId })).toMatchObject({
        state: 'pending',
      });
      expect(
        await gateway.fetchStatus({ gatewayPaymentId: paid, topupId: `np-topup-${persona.name}-paid` }),
      ).toMatchObject({ state: 'paid' });
      // numpool's retry of a create it timed out on gets the payment it made before the restart.
      expect((await gateway.createPayment(input)).gatewayPaymentId).toBe(pending);

      // Stripe's webhook endpoint came back with the rest: nothing configures it again here.
      await control(after.url, persona.payPath(pending));
      const notified = await waitForBody(receiver, pending);
      expect(gateway.verifyNotification(asNotification(notified)).event).toMatchObject({
        kind: 'payment',
        gatewayPaymentId: pending,
      });
      expect(await gateway.fetchStatus({ gatewayPaymentId: pending, topupId: input.topupId })).toMatchObject({
        state: 'paid',
      });
    }
  });
  it('holds a payment once its create was answered, before any close (as after a crash)', async () => {
    const stateFile = newStateFile();
    const running = await simulatorOn(stateFile);
    cleanupAfterFile(() => running.close());
    const heleket = PERSONAS[0]!.gateway(running.url);
    const input: CreatePaymentInput = {
      topupId: 'np-topup-heleket-crash',
      accountId: 42,
      amount: '3.00',
      currency: 'USD',
      customerEmail: 'buyer@example.test',
      callbackUrl: 'http://127.0.0.1:9/hook',
      returnUrl: 'https://numpool.example/topups/done',
      expiresAt: new Date(Date.now() + 3_600_000),
    };
    const { gatewayPaymentId } = await heleket.createPayment(input);
    // The file as a killed simulator would leave it: copied while the first still runs.
    const copy = newStateFile();
    writeFileSync(copy, readFileSync(stateFile));
    const next = await simulatorOn(copy);
    cleanupAfterFile(() => next.close());
    expect(
      await PERSONAS[0]!.gateway(next.url).fetchStatus({ gatewayPaymentId, topupId: input.topupId }),
    ).toMatchObject({ state: 'pending' });
  });
});

describe('the stored port', () => {
  it('is listened on again when it is free', async () => {
    const stateFile = newStateFile();
    const first = await simulatorOn(stateFile);
    await first.close();
    const second = await simulatorOn(stateFile);
    await second.close();
    expect(second.url).toBe(first.url);
  });

  it('gives way to a free port when it is taken, and the new port is stored', async () => {
    const stateFile = newStateFile();
    const first = await simulatorOn(stateFile);
    await first.close();
    const firstPort = Number(new URL(first.url).port);
    const release = await occupy(firstPort);
    try {
      const second = await simulatorOn(stateFile);
      await second.close();
      const secondPort = Number(new URL(second.url).port);
      expect(secondPort).not.toBe(firstPort);
      expect(JSON.parse(readFileSync(stateFile, 'utf8')).port).toBe(secondPort);
    } finally {
      await release();
    }
  });
});

describe('a state file that cannot be used', () => {
  it.each([
    ['is not JSON', '{"version": 1, "port": 1234, "gatew'],
    ['is JSON of another shape', '[1, 2, 3]'],
    [
      'holds a persona state of another shape',
      '{"version": 1, "port": null, "gateways": {"heleket": {"invoices": 3}}}',
    ],
  ])('%s: the simulator starts empty, and the file is replaced by its state', async (_, content) => {
    const stateFile = newStateFile();
    writeFileSync(stateFile, content);
    const simulator = await simulatorOn(stateFile);
    try {
      const listing = await fetch(`${simulator.url}/control/heleket/payments`);
      expect(await listing.json()).toEqual({ payments: [] });
      const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
      expect(saved).toMatchObject({ version: 1, port: Number(new URL(simulator.url).port) });
      expect(saved.gateways.heleket).toEqual({ invoices: [] });
    } finally {
      await simulator.close();
    }
  });

  it('a missing file starts empty and is created', async () => {
    const stateFile = join(dir, 'not-yet', 'state.json');
    const simulator = await simulatorOn(stateFile);
    await simulator.close();
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).gateways).toMatchObject({
      duitku: { transactions: [] },
      stripe: { sessions: [], idempotent: [], endpoint: null },
    });
  });
});
