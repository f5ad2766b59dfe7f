/** The 5SIM adapter against the simulator's 5SIM persona (gamma, RUB). */
import { expect, it } from 'vitest';
import { describeAdapterContract } from './adapter-contract.ts';
import { expectKind, INDONESIA, WHATSAPP } from './provider-fixture.ts';

describeAdapterContract('gamma', (ctx) => {
  it('keeps real operator codes in offers and buys on one', async () => {
    const { adapter } = ctx();
    const { offers } = await adapter.listOffers({ countryId: INDONESIA, platformId: WHATSAPP });
    const named = offers.find((o) => o.operator !== null);
    expect(named).toBeDefined();
    const number = await adapter.acquireNumber({
      countryId: INDONESIA,
      platformId: WHATSAPP,
      operator: named!.operator,
      maxCost: named!.cost,
    });
    expect(number.operator).toBe(named!.operator);
    expect(number.cost).toMatch(/^\d+(\.\d+)?$/);
    await adapter.cancel(number.ref);
  });

  it('treats another SMS as a no-op: the activation stays RECEIVED and later SMS are listed too', async () => {
    const { sim, adapter } = ctx();
    const number = await adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP });
    await sim.injectSms('gamma', number.ref, { code: '111111' });
    await adapter.requestAnotherSms(number.ref);
    expect((await adapter.getStatus(number.ref)).state).toBe('RECEIVED');
    await sim.injectSms('gamma', number.ref, { code: '222222' });
    const status = await adapter.getStatus(number.ref);
    expect(status.messages.map((m) => m.code)).toEqual(['111111', '222222']);
    await adapter.finish(number.ref);
  });

  it('cancels a number bought on an excluded prefix and reports NO_NUMBERS', async () => {
    const { sim, adapter } = ctx();
    const canceled = () => sim.personas().find((p) => p.name === 'gamma')!.counters.numbersCanceled;
    const before = canceled();
    const error = await adapter
      .acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP, excludePrefixes: ['62'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'NO_NUMBERS', providerCode: 'EXCLUDED_PREFIX' });
    expect(canceled()).toBe(before + 1);
  });

  it('tells a max price below every price (BAD_REQUEST, lowest price named) from no stock', async () => {
    const { adapter } = ctx();
    const error = await expectKind(
      adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP, maxCost: '0.0000001' }),
      'BAD_REQUEST',
    );
    expect(error.providerCode).toBe('no free phones');
    expect(error.message).toMatch(/lowest price \d/);
  });

  it('refuses to cancel after an SMS arrived (CONFLICT)', async () => {
    const { sim, adapter } = ctx();
    const number = await adapter.acquireNumber({ countryId: INDONESIA, platformId: WHATSAPP });
    await sim.injectSms('gamma', number.ref, { code: '135790' });
    await expectKind(adapter.cancel(number.ref), 'CONFLICT');
    await adapter.finish(number.ref);
  });
});
