/** The Duitku signatures against every test vector of specs/payments.md §2, and the verifying compare. */
import { describe, expect, test } from 'vitest';
import {
  callbackSignature,
  inquirySignature,
  paymentMethodsSignature,
  signatureMatches,
  statusSignature,
} from '../../src/payments/duitku/duitku-signature.ts';
import { jakartaDatetime } from '../../src/payments/duitku/list-duitku-payment-methods.ts';

const keys = { merchantCode: 'DS0001', apiKey: 'dk_test_key_456' };

describe('Duitku signatures (spec test vectors)', () => {
  test('inquiry: md5(merchantCode + merchantOrderId + paymentAmount + apiKey)', () => {
    expect(inquirySignature(keys, { merchantOrderId: 'np-topup-000124', paymentAmount: '150000' })).toBe(
      '75f74b2a51c2aa472e9e7eed1e13e6a4',
    );
  });

  test('callback: md5(merchantCode + amount + merchantOrderId + apiKey)', () => {
    expect(callbackSignature(keys, { amount: '150000', merchantOrderId: 'np-topup-000124' })).toBe(
      '22b334c3821f81d6734d3ee6f572a462',
    );
  });

  test('callback: the amount string as received, so 150000.00 signs differently', () => {
    expect(callbackSignature(keys, { amount: '150000.00', merchantOrderId: 'np-topup-000124' })).not.toBe(
      '22b334c3821f81d6734d3ee6f572a462',
    );
  });

  test('transactionStatus: md5(merchantCode + merchantOrderId + apiKey)', () => {
    expect(statusSignature(keys, { merchantOrderId: 'np-topup-000124' })).toBe(
      'acb32c8527c5c13559a73f4d8c632e12',
    );
  });

  test('getpaymentmethod: sha256(merchantCode + amount + datetime + apiKey)', () => {
    expect(paymentMethodsSignature(keys, { amount: '150000', datetime: '2026-01-15 10:30:00' })).toBe(
      '82477b2bfa1d8615da06ec6a9f86aa74c5f127c1b179dfa68c7377059eab1f50',
    );
  });

  test('getpaymentmethod datetime is Jakarta time (UTC+7), YYYY-MM-DD HH:mm:ss', () => {
    expect(jakartaDatetime(new Date('2026-01-15T03:30:00Z'))).toBe('2026-01-15 10:30:00');
    expect(jakartaDatetime(new Date('2026-12-31T20:00:05.999Z'))).toBe('2027-01-01 03:00:05');
  });
});

describe('signatureMatches', () => {
  const good = '22b334c3821f81d6734d3ee6f572a462';

  test('the same digest matches, in either case', () => {
    expect(signatureMatches(good, good)).toBe(true);
    expect(signatureMatches(good, good.toUpperCase())).toBe(true);
  });

  test('one digit off, shorter, longer, empty or non-ASCII does not match', () => {
    expect(signatureMatches(good, `${good.slice(0, -1)}3`)).toBe(false);
    expect(signatureMatches(good, good.slice(0, -1))).toBe(false);
    expect(signatureMatches(good, `${good}0`)).toBe(false);
    expect(signatureMatches(good, '')).toBe(false);
    expect(signatureMatches(good, 'é'.repeat(16))).toBe(false);
  });
});
