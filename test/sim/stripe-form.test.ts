/** Stripe's nested-bracket form bodies, as the simulator reads them. */
import { describe, expect, it } from 'vitest';
import { FormError, parseStripeForm } from '../../src/sim/gateways/stripe-form.ts';

describe('parseStripeForm', () => {
  it('reads brackets, encoded or not, into objects and lists', () => {
    const body =
      'mode=payment&line_items[0][price_data][currency]=usd&line_items%5B0%5D%5Bquantity%5D=1' +
      '&line_items[1][quantity]=2&metadata[topup_id]=np-topup-1&success_url=https%3A%2F%2Fx.test%2F%3Fs%3D%7BCHECKOUT_SESSION_ID%7D';
    expect(parseStripeForm(body)).toEqual({
      mode: 'payment',
      line_items: [{ price_data: { currency: 'usd' }, quantity: '1' }, { quantity: '2' }],
      metadata: { topup_id: 'np-topup-1' },
      success_url: 'https://x.test/?s={CHECKOUT_SESSION_ID}',
    });
  });

  it('keeps maps with numeric-looking but sparse keys as objects', () => {
    expect(parseStripeForm('metadata[1]=a&metadata[3]=b')).toEqual({ metadata: { 1: 'a', 3: 'b' } });
  });

  it('refuses names that are both a value and an object, empty indexes and deep nesting', () => {
    expect(() => parseStripeForm('a=1&a[b]=2')).toThrow(FormError);
    expect(() => parseStripeForm('a[b]=2&a=1')).toThrow(FormError);
    expect(() => parseStripeForm('a[]=1')).toThrow(FormError);
    expect(() => parseStripeForm('[x]=1')).toThrow(FormError);
    expect(() => parseStripeForm(`a${'[b]'.repeat(9)}=1`)).toThrow(FormError);
  });

  it('a __proto__ parameter stays an ordinary key', () => {
    const parsed = parseStripeForm('__proto__[polluted]=yes');
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
