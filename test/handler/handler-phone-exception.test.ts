import { describe, expect, it } from 'vitest';
import { customer, orderWorld } from '../orders/order-fixture.ts';

const world = await orderWorld();

describe('getNumber phoneException', () => {
  it('never hands out a number on an excluded prefix, and holds nothing when all are excluded', async () => {
    const me = await customer(world);
    const get = (query: string) =>
      world.app.inject({ method: 'GET', url: `/stubs/handler_api.php?api_key=${me.apiKey}&${query}` });
    const allExcluded = await get('action=getNumber&service=wa&country=6&phoneException=62');
    expect(allExcluded.body).toBe('NO_NUMBERS');
    expect(await me.balance()).toBe(1_000_000);

    const first = (await get('action=getNumber&service=wa&country=6')).body;
    const taken = first.split(':')[2]!;
    const prefix = taken.slice(0, 5);
    for (let i = 0; i < 3; i++) {
      const answer = (await get(`action=getNumber&service=wa&country=6&phoneException=${prefix},+6299`)).body;
      const phone = answer.split(':')[2] ?? '';
      if (answer === 'NO_NUMBERS') continue;
      expect(answer).toMatch(/^ACCESS_NUMBER:\d+:\d+$/);
      expect(phone.startsWith(prefix)).toBe(false);
      expect(phone.startsWith('6299')).toBe(false);
    }
    expect((await get('action=getNumber&service=wa&country=6&phoneException=62x')).body).toBe('BAD_ACTION');
  });
});
