/** The handler adapter against the simulator's SMS-Activate (alpha, plain) and HeroSMS (beta, json) personas. */
import { expect, it } from 'vitest';
import { describeAdapterContract } from './adapter-contract.ts';
import { expectKind, INDONESIA, WHATSAPP } from './provider-fixture.ts';

for (const name of ['alpha', 'beta']) {
  describeAdapterContract(name, (ctx) => {
    it('reports WAITING_RETRY after asking for another SMS, with the previous code', async () => {
      const { sim, adapter } = ctx();
      const number = await adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP });
      await sim.injectSms(name, number.ref, { code: '246810' });
      await adapter.requestAnotherSms(number.ref);
      const status = await adapter.getStatus(number.ref);
      expect(status.state).toBe('WAITING_RETRY');
      await adapter.finish(number.ref);
    });

    it('passes operator, max cost and excluded prefixes through, reporting cost and operator', async () => {
      const { adapter } = ctx();
      const [offer] = (await adapter.listOffers({ countryId: INDONESIA, platformId: WHATSAPP })).offers;
      const number = await adapter.acquireNumber({
        countryId: INDONESIA,
        platformId: WHATSAPP,
        operator: 'telkomsel',
        maxCost: offer!.cost,
        excludePrefixes: ['6299'],
      });
      expect(number.operator).toBe('telkomsel');
      expect(number.phone.startsWith('6299')).toBe(false);
      expect(number.cost).toBeDefined();
      await adapter.cancel(number.ref);
    });

    it('keeps the lowest acceptable price in a WRONG_MAX_PRICE error', async () => {
      const { adapter } = ctx();
      const error = await expectKind(
        adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP, maxCost: '0.0000001' }),
        'BAD_REQUEST',
      );
      expect(error.providerCode).toBe('WRONG_MAX_PRICE');
      expect(error.message).toMatch(/\d/);
    });

    it('refuses to cancel after an SMS arrived', async () => {
      const { sim, adapter } = ctx();
      const number = await adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP });
      await sim.injectSms(name, number.ref, { code: '135790' });
      const error = await adapter.cancel(number.ref).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: expect.stringMatching(/^(CONFLICT|BAD_REQUEST)$/) });
      await adapter.finish(number.ref);
    });
  });
}
