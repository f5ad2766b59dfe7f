/** SMS the simulator delivers on its own schedule reach every adapter by polling, code and text intact. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivationStatus } from '../../src/providers/port.ts';
import { type Simulator, startSimulator } from '../../src/sim/index.ts';
import { waitUntil } from '../support/wait.ts';
import { adapterFor, INDONESIA, WHATSAPP } from './provider-fixture.ts';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 11, smsDelayMs: 50, noSmsRate: 0 });
});

afterAll(async () => {
  await sim?.close();
});

describe.each(['alpha', 'beta', 'gamma'])('%s', (name) => {
  it('polls until the SMS arrives, then sees it in getStatus and listActive', async () => {
    const adapter = adapterFor(sim, name);
    const number = await adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP });
    const status: ActivationStatus = await waitUntil(async () => {
      const current = await adapter.getStatus(number.ref);
      return current.state === 'WAITING' ? undefined : current;
    });
    expect(status.state).toBe('RECEIVED');
    const sms = status.messages.at(-1)!;
    expect(sms.code).toMatch(/^\d{4,8}$/);
    expect(sms.text.replace(/\D/g, '')).toContain(sms.code);
    const listed = (await adapter.listActive()).find((a) => a.ref === number.ref);
    expect(listed?.state).toBe('RECEIVED');
    expect(listed?.messages.at(-1)?.code).toBe(sms.code);
    await adapter.finish(number.ref);
  });
});
