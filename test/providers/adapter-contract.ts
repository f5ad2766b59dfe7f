/**
 * The behaviour every ProviderAdapter owes the router, run against one simulator persona. Each adapter's
 * test file calls it for its personas and adds what is specific to its protocol.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../../src/providers/port.ts';
import { type Simulator, startSimulator } from '../../src/sim/index.ts';
import {
  adapterFor,
  codes,
  DECIMAL,
  expectKind,
  INDONESIA,
  persona,
  WHATSAPP,
  withFault,
} from './provider-fixture.ts';

export interface ContractContext {
  sim: Simulator;
  adapter: ProviderAdapter;
}

export function describeAdapterContract(name: string, extra?: (ctx: () => ContractContext) => void): void {
  describe(`${name} (${persona(name).protocol})`, () => {
    let sim: Simulator;
    let adapter: ProviderAdapter;

    beforeAll(async () => {
      // No scheduled SMS: every SMS in these tests is injected, so states are deterministic.
      sim = await startSimulator({ port: 0, seed: 7, smsDelayMs: 50, noSmsRate: 1 });
      adapter = adapterFor(sim, name);
    });

    afterAll(async () => {
      await sim?.close();
    });

    const buy = () => adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP });

    it('lists offers in numpool ids with decimal costs, across many countries', async () => {
      const { offers, unknownCodes } = await adapter.listOffers();
      expect(offers.length).toBeGreaterThan(50);
      expect(new Set(offers.map((o) => o.countryId)).size).toBeGreaterThan(10);
      expect(unknownCodes).toEqual([]);
      for (const offer of offers) {
        expect(codes.countryIds.has(offer.countryId)).toBe(true);
        expect(codes.slugByPlatform.has(offer.platformId)).toBe(true);
        expect(offer.cost).toMatch(DECIMAL);
        expect(Number.isSafeInteger(offer.available) && offer.available >= 0).toBe(true);
      }
      expect(offers.some((o) => o.countryId === INDONESIA && o.platformId === WHATSAPP)).toBe(true);
    });

    it('narrows offers by country and by platform', async () => {
      const inCountry = await adapter.listOffers({ countryId: INDONESIA });
      expect(inCountry.offers.length).toBeGreaterThan(0);
      expect(inCountry.offers.every((o) => o.countryId === INDONESIA)).toBe(true);
      const forPlatform = await adapter.listOffers({ platformId: WHATSAPP });
      expect(new Set(forPlatform.offers.map((o) => o.countryId)).size).toBeGreaterThan(1);
      expect(forPlatform.offers.every((o) => o.platformId === WHATSAPP)).toBe(true);
      const both = await adapter.listOffers({ countryId: INDONESIA, platformId: WHATSAPP });
      expect(both.offers.length).toBeGreaterThan(0);
      expect(both.offers.every((o) => o.countryId === INDONESIA && o.platformId === WHATSAPP)).toBe(true);
    });

    it('lists operators of a country', async () => {
      const operators = await adapter.listOperators(INDONESIA);
      expect(operators.length).toBeGreaterThan(0);
      expect(operators).not.toContain('any');
      for (const operator of operators) expect(operator).toMatch(/^[a-z0-9_-]+$/);
    });

    it('buys, sees the SMS arrive with its code and text, asks for another and finishes', async () => {
      const number = await buy();
      expect(number.ref).toMatch(/^\d+$/);
      expect(number.phone).toMatch(/^62\d{6,}$/);
      if (number.cost !== undefined) expect(number.cost).toMatch(DECIMAL);
      expect(await adapter.getStatus(number.ref)).toEqual({
        ref: number.ref,
        state: 'WAITING',
        messages: [],
      });

      await sim.injectSms(name, number.ref, { text: 'Your WhatsApp code is 482-913', code: '482913' });
      const received = await adapter.getStatus(number.ref);
      expect(received.state).toBe('RECEIVED');
      expect(received.messages.at(-1)).toMatchObject({
        code: '482913',
        text: 'Your WhatsApp code is 482-913',
      });

      await adapter.requestAnotherSms(number.ref);
      await sim.injectSms(name, number.ref, { text: 'Your WhatsApp code is 111-222', code: '111222' });
      const again = await adapter.getStatus(number.ref);
      expect(again.state).toBe('RECEIVED');
      expect(again.messages.at(-1)).toMatchObject({ code: '111222' });

      await adapter.finish(number.ref);
      expect((await adapter.listActive()).map((a) => a.ref)).not.toContain(number.ref);
    });

    it('buys and cancels', async () => {
      const number = await buy();
      await adapter.cancel(number.ref);
      expect((await adapter.listActive()).map((a) => a.ref)).not.toContain(number.ref);
    });

    it('lists open activations with their state', async () => {
      const waiting = await buy();
      const received = await buy();
      await sim.injectSms(name, received.ref, { code: '777888' });
      const active = await adapter.listActive();
      const byRef = new Map(active.map((a) => [a.ref, a]));
      expect(byRef.get(waiting.ref)?.state).toBe('WAITING');
      expect(byRef.get(received.ref)?.state).toBe('RECEIVED');
      expect(byRef.get(received.ref)?.messages.at(-1)?.code).toBe('777888');
      await adapter.cancel(waiting.ref);
      await adapter.finish(received.ref);
    });

    it('reports the balance in the provider currency', async () => {
      const balance = await adapter.getBalance();
      expect(balance.amount).toMatch(/^-?\d+(\.\d+)?$/);
      expect(balance.currency).toBe(persona(name).currency);
    });

    it('refuses a max cost below the price as BAD_REQUEST', async () => {
      await expectKind(
        adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP, maxCost: '0.0000001' }),
        'BAD_REQUEST',
      );
    });

    it('reports a wrong credential as BAD_KEY', async () => {
      const wrong = adapterFor(sim, name, { credential: 'ffffffffffffffffffffffffffffffff' });
      await expectKind(wrong.getBalance(), 'BAD_KEY');
      await expectKind(wrong.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP }), 'BAD_KEY');
    });

    it('reports an unknown activation as NOT_FOUND', async () => {
      await expectKind(adapter.getStatus('987654321'), 'NOT_FOUND');
      await expectKind(adapter.cancel('987654321'), 'NOT_FOUND');
      await expectKind(adapter.finish('987654321'), 'NOT_FOUND');
    });

    describe('faults', () => {
      it('down → UNAVAILABLE', async () => {
        await withFault(sim, name, 'down', () => expectKind(adapter.getBalance(), 'UNAVAILABLE'));
      });

      it('http500 → UNAVAILABLE', async () => {
        await withFault(sim, name, 'http500', async () => {
          await expectKind(adapter.getBalance(), 'UNAVAILABLE');
          await expectKind(adapter.listOffers({ countryId: INDONESIA }), 'UNAVAILABLE');
        });
      });

      it('garbage → PROTOCOL', async () => {
        await withFault(sim, name, 'garbage', async () => {
          await expectKind(adapter.getBalance(), 'PROTOCOL');
          await expectKind(adapter.listOffers({ countryId: INDONESIA }), 'PROTOCOL');
          await expectKind(adapter.getStatus('1'), 'PROTOCOL');
          await expectKind(adapter.listActive(), 'PROTOCOL');
        });
      });

      it('timeout → TIMEOUT', async () => {
        const impatient = adapterFor(sim, name, { timeoutMs: 300 });
        await withFault(sim, name, 'timeout', () => expectKind(impatient.getBalance(), 'TIMEOUT'));
      });

      it('slow within the timeout → succeeds', async () => {
        const patient = adapterFor(sim, name, { timeoutMs: 2000 });
        const balance = await withFault(sim, name, 'slow', () => patient.getBalance(), { latencyMs: 150 });
        expect(balance.currency).toBe(persona(name).currency);
      });

      it('no_numbers → NO_NUMBERS', async () => {
        await withFault(sim, name, 'no_numbers', () => expectKind(buy(), 'NO_NUMBERS'));
      });
    });

    extra?.(() => ({ sim, adapter }));
  });
}
