/** Handler-protocol bodies that real providers send, including the odd ones, parsed without a server. */
import { describe, expect, it } from 'vitest';
import { buildCatalogCodes, seedCatalogRows } from '../../src/catalog/catalog-codes.ts';
import { decodeHandlerReply, type HandlerBody } from '../../src/providers/handler/handler-errors.ts';
import { parseAccessNumber, parseNumberV2 } from '../../src/providers/handler/handler-number.ts';
import { parseHandlerOperators, parseHandlerPrices } from '../../src/providers/handler/handler-prices.ts';
import {
  parseActiveActivations,
  parseFullSms,
  parseStatusLine,
  parseStatusV2Sms,
} from '../../src/providers/handler/handler-status.ts';
import { ProviderError } from '../../src/providers/port.ts';

const codes = buildCatalogCodes(seedCatalogRows());

function body(text: string, status = 200): HandlerBody {
  return decodeHandlerReply({ status, contentType: 'text/plain', body: text }, 'test');
}

function errorOf(fn: () => unknown): ProviderError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('handler error decoding', () => {
  it.each([
    ['NO_NUMBERS', 200, 'NO_NUMBERS'],
    ['NO_BALANCE', 200, 'NO_BALANCE'],
    ['BAD_KEY', 200, 'BAD_KEY'],
    ['NO_KEY', 200, 'BAD_KEY'],
    ['BAD_SERVICE', 200, 'BAD_REQUEST'],
    ['BAD_STATUS', 200, 'BAD_REQUEST'],
    ['WRONG_EXCEPTION_PHONE', 200, 'BAD_REQUEST'],
    ['BAD_COUNTRY', 200, 'BAD_REQUEST'],
    ['NO_ACTIVATION', 200, 'NOT_FOUND'],
    ['WRONG_ACTIVATION_ID', 200, 'NOT_FOUND'],
    ['EARLY_CANCEL_DENIED', 200, 'EARLY_CANCEL'],
    ['ERROR_SQL', 200, 'UNAVAILABLE'],
    ['SERVER_ERROR', 500, 'UNAVAILABLE'],
    ['<html>Bad Gateway</html>', 502, 'UNAVAILABLE'],
    ['slow down', 429, 'UNAVAILABLE'],
    ['{"title":"BAD_KEY","details":"Invalid API key"}', 401, 'BAD_KEY'],
    ['{"title":"NO_BALANCE","details":"Low balance"}', 402, 'NO_BALANCE'],
    ['{"title":"NOT_FOUND","details":"Activation Not Found"}', 404, 'NOT_FOUND'],
    ['{"title":"OTP_RECEIVED","details":"Code already received"}', 409, 'CONFLICT'],
    ['{"title":"BAD_ACTION","details":"Unknown action"}', 422, 'BAD_REQUEST'],
    ['{"title":"BANNED","details":"Account banned"}', 403, 'BAD_KEY'],
    [
      '{"title":"UNPROCESSABLE_ENTITY","details":"Validation failed","info":{"field":"api_key","code":"REQUIRED"}}',
      422,
      'BAD_KEY',
    ],
    ['{"status":"error","error":"NO_ACTIVATIONS"}', 200, 'NOT_FOUND'],
    ['{"status":"false","msg":"service is incorrect"}', 200, 'BAD_REQUEST'],
    ['who knows', 418, 'PROTOCOL'],
    ['{"title":"SOMETHING_NEW","details":"?"}', 403, 'BAD_KEY'],
    ['{"title":"SOMETHING_NEW","details":"?"}', 200, 'PROTOCOL'],
    ['{"status":"error","error":"SOMETHING_NEW"}', 200, 'PROTOCOL'],
    ['', 401, 'BAD_KEY'],
  ] as const)('%s (HTTP %i) → %s', (text, status, kind) => {
    expect(errorOf(() => body(text, status)).kind).toBe(kind);
  });

  it('keeps the lowest price of WRONG_MAX_PRICE and the ban text', () => {
    const price = errorOf(() => body('WRONG_MAX_PRICE:0.025'));
    expect(price.kind).toBe('BAD_REQUEST');
    expect(price.providerCode).toBe('WRONG_MAX_PRICE');
    expect(price.message).toContain('0.025');
    const ban = errorOf(() => body("BANNED:'2026-8-13 10-20-30'"));
    expect(ban.kind).toBe('BAD_KEY');
    expect(ban.message).toContain('2026-8-13 10-20-30');
  });

  it('passes successful bodies through, JSON parsed once', () => {
    expect(body(' ACCESS_BALANCE:2.225\n').text).toBe('ACCESS_BALANCE:2.225');
    expect(body('{"activationId":1}').json).toEqual({ ok: true, value: { activationId: 1 } });
  });
});

describe('handler prices and operators', () => {
  it('maps ids and codes, accepts numbers or strings, reports unknown codes', () => {
    const list = parseHandlerPrices(
      body(
        JSON.stringify({
          '6': {
            wa: { cost: 0.5, count: 10, physicalCount: 4 },
            tg: { cost: '1.20', count: '3' },
            zzz: { cost: 1, count: 1 },
          },
          '999': { wa: { cost: 1, count: 1 } },
          '0': { go: { cost: 1e-7, count: 0 }, wa: { cost: 'cheap', count: 1 } },
        }),
      ),
      codes,
    );
    expect(list.offers).toEqual(
      expect.arrayContaining([
        { countryId: 6, platformId: 1, operator: null, cost: '0.5', available: 10 },
        { countryId: 6, platformId: 2, operator: null, cost: '1.2', available: 3 },
        { countryId: 0, platformId: 3, operator: null, cost: '0.0000001', available: 0 },
      ]),
    );
    expect(list.offers).toHaveLength(3);
    expect(list.unknownCodes.sort()).toEqual(['country:999', 'malformed:0/wa', 'service:zzz']);
  });

  it('narrows to the filter even when the provider ignores it, and reads PHP empty arrays', () => {
    const text = JSON.stringify({ '6': { wa: { cost: 1, count: 1 }, tg: { cost: 1, count: 1 } }, '0': [] });
    expect(parseHandlerPrices(body(text), codes, { countryId: 6, platformId: 2 }).offers).toHaveLength(1);
    expect(parseHandlerPrices(body('[]'), codes).offers).toEqual([]);
  });

  it('rejects bodies that are not price objects', () => {
    for (const text of ['<html>oops</html>', '{"6":{"wa":', '"x"', '[1,2]', 'null']) {
      expect(errorOf(() => parseHandlerPrices(body(text), codes)).kind).toBe('PROTOCOL');
    }
  });

  it('reads operators of one country', () => {
    const text = '{"status":"success","countryOperators":{"6":["telkomsel","any","indosat"," ",3]}}';
    expect(parseHandlerOperators(body(text), 6)).toEqual(['telkomsel', 'indosat']);
    expect(parseHandlerOperators(body(text), 7)).toEqual([]);
    expect(errorOf(() => parseHandlerOperators(body('{"status":"success"}'), 6)).kind).toBe('PROTOCOL');
  });
});

describe('handler purchases', () => {
  it('reads getNumberV2 with string fields (sms-activate.org) and number fields (HeroSMS)', () => {
    const strings = body(
      '{"activationId":"1483637249","phoneNumber":"19145355732","activationCost":"10.00","countryCode":"12","canGetAnotherSms":true,"activationOperator":"any"}',
    );
    expect(parseNumberV2(strings, null)).toEqual({
      ref: '1483637249',
      phone: '19145355732',
      operator: null,
      cost: '10',
    });
    const numbers = body(
      '{"activationId":635468024,"phoneNumber":79584000000,"activationCost":12.5,"currency":840,"activationOperator":"mtt"}',
    );
    expect(parseNumberV2(numbers, null)).toEqual({
      ref: '635468024',
      phone: '79584000000',
      operator: 'mtt',
      cost: '12.5',
    });
  });

  it('rejects a getNumberV2 body without usable id or phone', () => {
    for (const text of [
      '{"activationId":null,"phoneNumber":"1"}',
      '{}',
      '[]',
      'ACCESS_NUMBER',
      '{"activationId":1,"phoneNumber":{"n":1}}',
    ]) {
      expect(errorOf(() => parseNumberV2(body(text), null)).kind).toBe('PROTOCOL');
    }
  });

  it('reads ACCESS_NUMBER and nothing else', () => {
    expect(parseAccessNumber(body('ACCESS_NUMBER:123:6281234567'), 'telkomsel')).toEqual({
      ref: '123',
      phone: '6281234567',
      operator: 'telkomsel',
      cost: undefined,
    });
    expect(errorOf(() => parseAccessNumber(body('ACCESS_NUMBER:abc:62812'), null)).kind).toBe('PROTOCOL');
  });
});

describe('handler statuses', () => {
  it('maps every status line', () => {
    expect(parseStatusLine(body('STATUS_WAIT_CODE'))).toEqual({ state: 'WAITING', code: null });
    expect(parseStatusLine(body('STATUS_OK:123456'))).toEqual({ state: 'RECEIVED', code: '123456' });
    expect(parseStatusLine(body('STATUS_WAIT_RETRY:123456'))).toEqual({
      state: 'WAITING_RETRY',
      code: '123456',
    });
    expect(parseStatusLine(body('STATUS_WAIT_RESEND'))).toEqual({ state: 'WAITING_RETRY', code: null });
    expect(parseStatusLine(body('STATUS_CANCEL'))).toEqual({ state: 'CANCELED', code: null });
    expect(errorOf(() => parseStatusLine(body('STATUS_MAYBE'))).kind).toBe('PROTOCOL');
  });

  it('keeps colons inside the full SMS text', () => {
    expect(parseFullSms(body('FULL_SMS:Your code: 123-456. Do not share'))).toBe(
      'Your code: 123-456. Do not share',
    );
    expect(parseFullSms(body('STATUS_WAIT_CODE'))).toBeNull();
  });

  it('reads getStatusV2 with an SMS, without one, and with the placeholder date', () => {
    const received = body(
      '{"verificationType":0,"sms":{"dateTime":"2026-01-02T03:04:05+00:00","code":"4321","text":"code 4321"}}',
    );
    expect(parseStatusV2Sms(received)).toEqual({
      text: 'code 4321',
      code: '4321',
      receivedAt: new Date('2026-01-02T03:04:05Z'),
    });
    const placeholder = body(
      '{"verificationType":0,"sms":{"dateTime":"0000-00-00 00:00:00","code":123,"text":null}}',
    );
    expect(parseStatusV2Sms(placeholder)).toEqual({ text: '', code: '123', receivedAt: null });
    expect(parseStatusV2Sms(body('{"verificationType":0,"sms":null,"call":null}'))).toBeNull();
    expect(parseStatusV2Sms(body('{"verificationType":0,"sms":{"code":"","text":""}}'))).toBeNull();
    expect(errorOf(() => parseStatusV2Sms(body('{"sms":"x"}'))).kind).toBe('PROTOCOL');
  });

  it('reads active activations with nullable SMS fields and drops closed ones', () => {
    const list = parseActiveActivations(
      body(
        JSON.stringify({
          status: 'success',
          activeActivations: [
            { activationId: '1', activationStatus: '1', smsCode: null, smsText: null },
            { activationId: 2, activationStatus: '4', smsCode: '555', smsText: 'code 555' },
            { activationId: '3', activationStatus: '3', smsCode: ['111', '222'], smsText: null },
            { activationId: '4', activationStatus: '8', smsCode: null, smsText: null },
          ],
        }),
      ),
    );
    expect(list.map((a) => [a.ref, a.state])).toEqual([
      ['1', 'WAITING'],
      ['2', 'RECEIVED'],
      ['3', 'WAITING_RETRY'],
      ['4', 'CANCELED'],
    ]);
    expect(list[1]!.messages).toEqual([{ text: 'code 555', code: '555', receivedAt: null }]);
    expect(list[2]!.messages[0]!.code).toBe('222');
    expect(
      errorOf(() => parseActiveActivations(body('{"status":"success","activeActivations":[{"x":1}]}'))).kind,
    ).toBe('PROTOCOL');
  });
});
