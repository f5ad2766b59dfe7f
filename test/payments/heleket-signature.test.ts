import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildSignedWebhookBody,
  encodePhpJson,
  signHeleketBody,
  verifyHeleketWebhookSign,
  webhookSignByPhpReencode,
  webhookSignByRawStrip,
} from '../../src/payments/heleket/heleket-signature.ts';

const KEY = 'hk_test_key_123';
const ESCAPED =
  '{"amount":"10.00","currency":"USD","order_id":"np-topup-000123","url_callback":"https:\\/\\/numpool.example\\/pay\\/heleket\\/webhook","lifetime":3600}';
const WEBHOOK =
  '{"type":"payment","uuid":"5f0c1e2a-7b3d-4c59-9a61-0d2b8e4f7a10","order_id":"np-topup-000123","amount":"10.00","payment_amount":"10.00","payment_amount_usd":"10.00","merchant_amount":"9.80","commission":"0.20","is_final":true,"status":"paid","from":"TQ1examplePayerAddr","wallet_address_uuid":null,"network":"tron","currency":"USD","payer_currency":"USDT","additional_data":"acct\\/42","convert":null,"txid":"0f3a9c","sign":"a6da16fd45919f3ff0e5099330a957bb"}';

describe('Heleket request signature (spec §1.1 vectors)', () => {
  it('signs the escaped body, the unescaped body and the empty body', () => {
    expect(signHeleketBody(ESCAPED, KEY)).toBe('b676a386cac28320a027829b2c05f932');
    expect(signHeleketBody(ESCAPED.replaceAll('\\/', '/'), KEY)).toBe('7535112190a3f23771c471e319370fc2');
    expect(signHeleketBody('', KEY)).toBe('dd154b3687963776447b53a243d853bf');
    expect(signHeleketBody('', KEY)).toBe(createHash('md5').update(KEY).digest('hex'));
  });
});

describe('Heleket webhook signature (spec §1.6 vector)', () => {
  const payload = JSON.parse(WEBHOOK) as Record<string, unknown>;

  it('gives the vector by raw strip and by PHP re-encode', () => {
    expect(webhookSignByRawStrip(WEBHOOK, KEY)).toBe('a6da16fd45919f3ff0e5099330a957bb');
    expect(webhookSignByPhpReencode(payload, KEY)).toBe('a6da16fd45919f3ff0e5099330a957bb');
    expect(
      verifyHeleketWebhookSign({ rawBody: WEBHOOK, payload, sign: payload.sign as string, paymentKey: KEY }),
    ).toBe(true);
  });

  it('does not match with naive JSON.stringify', () => {
    const { sign: _s, ...rest } = payload;
    expect(signHeleketBody(JSON.stringify(rest), KEY)).not.toBe('a6da16fd45919f3ff0e5099330a957bb');
  });

  it('builds the vector body byte for byte, sign last', () => {
    const { sign: _s, ...rest } = payload;
    expect(buildSignedWebhookBody(rest, KEY)).toBe(WEBHOOK);
    expect(encodePhpJson({ u: 'a/b', e: 'é' })).toBe('{"u":"a\\/b","e":"é"}');
  });

  it('raw strip keeps a sender’s value bytes (unescaped slashes); PHP re-encode does not', () => {
    const raw = '{"type": "payment", "sign": "x", "url": "https://a/b"}';
    // Members are rejoined as `key:value` from their original text; spacing between tokens is not kept.
    const unsigned = '{"type":"payment","url":"https://a/b"}';
    const sign = signHeleketBody(unsigned, KEY);
    const body = raw.replace('"x"', JSON.stringify(sign));
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(webhookSignByRawStrip(body, KEY)).toBe(sign);
    expect(webhookSignByPhpReencode(parsed, KEY)).not.toBe(sign);
    expect(verifyHeleketWebhookSign({ rawBody: body, payload: parsed, sign, paymentKey: KEY })).toBe(true);
  });

  it('refuses a wrong key, a changed value and a truncated sign', () => {
    expect(
      verifyHeleketWebhookSign({
        rawBody: WEBHOOK,
        payload,
        sign: payload.sign as string,
        paymentKey: 'other',
      }),
    ).toBe(false);
    const changed = WEBHOOK.replace('"payment_amount_usd":"10.00"', '"payment_amount_usd":"99.00"');
    expect(
      verifyHeleketWebhookSign({
        rawBody: changed,
        payload: JSON.parse(changed),
        sign: payload.sign as string,
        paymentKey: KEY,
      }),
    ).toBe(false);
    expect(verifyHeleketWebhookSign({ rawBody: WEBHOOK, payload, sign: 'a6da16fd', paymentKey: KEY })).toBe(
      false,
    );
  });

  it('raw strip copes with nested values and answers null for text that is not one object', () => {
    const nested = '{"a":{"b":[1,{"c":"}"}]},"sign":"s","d":"\\"x"}';
    expect(webhookSignByRawStrip(nested, KEY)).toBe(
      signHeleketBody('{"a":{"b":[1,{"c":"}"}]},"d":"\\"x"}', KEY),
    );
    expect(webhookSignByRawStrip('[1,2]', KEY)).toBeNull();
    expect(webhookSignByRawStrip('{"a":1} x', KEY)).toBeNull();
    expect(webhookSignByRawStrip('{"a":', KEY)).toBeNull();
  });
});
