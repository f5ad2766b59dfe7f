/**
 * The billing pages over app.inject, as a signed-in browser sees them: top-ups, the balance with its
 * statement, API keys (the secret shown once, revoking) and webhooks — each calling numpool's own API, so
 * another account's top-up is the 404 page, a post without the page's CSRF token changes nothing, and a
 * visitor who is not signed in is sent to log in.
 */
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { enqueueWebhook } from '../../src/delivery/webhooks/enqueue-webhook.ts';
import { ru } from '../../web/src/i18n/messages/ru.ts';
import { formatIdr } from '../../web/src/lib/format.ts';
import { configureGateways, pendingTopup } from '../payments/topup-fixture.ts';
import { createCustomer } from '../support/factories.ts';
import { signIn } from '../support/sign-in.ts';
import { bearer, createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

const ctx = await createTestContext({ NUMPOOL_WEBHOOK_ALLOW_PRIVATE: '1' });
const app = await createTestApp(ctx);
await configureGateways(ctx);

// Browsers send Origin with every form post; Astro refuses one from another site.
const FORM = { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' };

/** A page's HTML without the attributes Astro's scoped styles add, so assertions read like the markup. */
const idr = (amount: number) => formatIdr(amount, 'en');
// The HTML as Intl writes it (a no-break space between the currency and the digits).
const shown = (text: string) => text.replaceAll('IDR ', 'IDR\u00a0');
const cleaned = (response: LightMyRequestResponse) => ({
  statusCode: response.statusCode,
  headers: response.headers,
  body: response.body.replace(/ data-astro-cid-[a-z0-9]+/g, ''),
});

async function customer(balance?: number) {
  const { account, apiKey } = await createCustomer(ctx, { balance });
  const browser = await signIn(ctx, app, account.id);
  const get = async (url: string) =>
    cleaned(await app.inject({ method: 'GET', url, headers: browser.cookies }));
  const post = async (url: string, fields: Record<string, string | string[]>, csrf = true) => {
    const body = new URLSearchParams();
    if (csrf) body.append('_csrf', browser.headers['x-csrf-token']);
    for (const [name, value] of Object.entries(fields))
      for (const one of [value].flat()) body.append(name, one);
    return cleaned(
      await app.inject({
        method: 'POST',
        url,
        headers: { ...FORM, ...browser.cookies },
        payload: body.toString(),
      }),
    );
  };
  const api = (method: 'GET' | 'PATCH', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { ...browser.headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });
  return { account, apiKey, get, post, api };
}

describe('billing pages', () => {
  it('send a visitor who is not signed in to log in, and come back after', async () => {
    for (const path of ['/topup', '/topup/np-topup-1', '/balance', '/keys', '/webhooks']) {
      const response = await app.inject({ method: 'GET', url: path });
      expect(response.statusCode, path).toBe(303);
      expect(response.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('render for a signed-in customer', async () => {
    const { get } = await customer();
    for (const [path, heading] of [
      ['/topup', 'Top up'],
      ['/balance', 'Balance'],
      ['/keys', 'API keys'],
      ['/webhooks', 'Webhooks'],
    ] as const) {
      const page = await get(path);
      expect(page.statusCode, path).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      // A browser's form post keeps its Origin, which the page's origin check needs.
      expect(page.headers['referrer-policy']).toBe('same-origin');
      expect(page.body).toMatch(new RegExp(`<h1[^>]*>${heading}</h1>`));
    }
  });

  it('speak Russian when asked', async () => {
    const { get } = await customer(1000);
    const html = (await get('/balance?lang=ru')).body;
    expect(html).toContain('<html lang="ru"');
    expect(html).toContain(ru['billing.balance.history']);
    expect(html).toContain(ru['billing.kind.deposit']);
  });

  it('offer each enabled gateway with its currencies and methods, and list past top-ups', async () => {
    const { account, get } = await customer();
    const { topup } = await pendingTopup(ctx, { accountId: account.id, gateway: 'duitku', amount: '150000' });
    const html = (await get('/topup')).body;
    for (const gateway of ['heleket', 'duitku', 'stripe'])
      expect(html).toContain(`data-testid="topup-form-${gateway}"`);
    expect(html).toContain('<option value="BC">BCA virtual account</option>');
    expect(html).toContain('QRIS, e-wallets and bank transfer');
    expect(html).toContain(shown('From IDR 10,000 to IDR 50,000,000'));
    expect(html).toContain(`href="/topup/${topup.publicId}"`);
  });

  it('refuse an amount below the gateway’s minimum in the page, keeping the form as typed', async () => {
    const { post, api } = await customer();
    const refused = await post('/topup', { gateway: 'heleket', amount: '0.50', currency: 'USD' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).toMatch(/id="amount-heleket"[^>]*value="0.50"/);
    expect((await api('GET', '/api/topups')).json().data).toEqual([]);
  });

  it('show a top-up with where to pay, and another account’s top-up as the 404 page', async () => {
    const owner = await customer();
    const { topup } = await pendingTopup(ctx, {
      accountId: owner.account.id,
      gateway: 'stripe',
      amount: '5.00',
    });
    const page = await owner.get(`/topup/${topup.publicId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Waiting for payment');
    expect(page.body).toContain(`href="${topup.paymentUrl}"`);
    expect(page.body).toContain('<meta http-equiv="refresh" content="5">');
    // The gateway sends the customer back to /topups/{id}.
    const back = await owner.get(`/topups/${topup.publicId}`);
    expect(back.headers.location).toBe(`/topup/${topup.publicId}`);

    const other = await customer();
    for (const path of [`/topup/${topup.publicId}`, `/topup/${topup.id}`, '/topup/not-an-id']) {
      const refused = await other.get(path);
      expect(refused.statusCode, path).toBe(404);
      expect(refused.body).toContain('Page not found');
      expect(refused.body).not.toContain(topup.paymentUrl!);
    }
  });

  it('draw a QR payment as inline SVG on the server', async () => {
    const { account, get } = await customer();
    const { topup } = await pendingTopup(ctx, { accountId: account.id, gateway: 'duitku', amount: '150000' });
    await ctx.pool.query(`UPDATE topups SET qr_string = $2, va_number = '8808123456789' WHERE id = $1`, [
      topup.id,
      '00020101021226300013ID.DUITKU.SIM',
    ]);
    const page = (await get(`/topup/${topup.publicId}`)).body;
    expect(page).toMatch(/<div class="qr[^"]*" role="img" aria-label="QR code of the payment"[^>]*><svg /);
    expect(page).toContain('8808123456789');
  });

  it('show the balance and a deposit in the statement with the balance after it', async () => {
    const { get } = await customer(25_000);
    const page = (await get('/balance')).body;
    expect(page).toContain(`<strong data-testid="balance">${idr(25_000)}</strong>`);
    const row = /<tr data-kind="deposit">(.*?)<\/tr>/s.exec(page)?.[1] ?? '';
    expect(row).toContain('Deposit');
    expect(row).toContain(shown('+IDR 25,000'));
    expect(row).toContain(`>${idr(25_000)}<`);
  });

  it('page the statement by the oldest movement shown', async () => {
    const { account, get } = await customer();
    const { deposit } = await import('../../src/ledger/deposit.ts');
    for (let i = 1; i <= 27; i++) await deposit({ ctx, input: { accountId: account.id, amount: 1000 * i } });
    const first = (await get('/balance')).body;
    expect(first.match(/<tr data-kind=/g)).toHaveLength(25);
    const older = /href="(\/balance\?before=[0-9]+)"/.exec(first)?.[1];
    expect(older).toBeDefined();
    const second = (await get(older!)).body;
    expect(second.match(/<tr data-kind=/g)).toHaveLength(2);
    expect(second).toContain(shown('+IDR 1,000'));
    expect(second).toContain('href="/balance"');
  });

  it('create a key, show its secret once, and the key then works on /v2/balance until revoked', async () => {
    const { get, post } = await customer(10_000);
    const created = await post('/keys', {
      action: 'create',
      name: 'bot',
      scopes: ['read', 'orders'],
      ip_allowlist: '127.0.0.1\n10.0.0.0/8',
      daily_spend_limit: '50000',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const secret = /<input id="new-key"[^>]*value="([^"]+)"/.exec(created.body)?.[1];
    expect(secret).toBeTruthy();
    const balance = await app.inject({ method: 'GET', url: '/v2/balance', headers: bearer(secret!) });
    expect(balance.statusCode, balance.body).toBe(200);

    const list = await get('/keys');
    expect(list.body).not.toContain(secret!);
    expect(list.body).toContain('127.0.0.1/32, 10.0.0.0/8');
    expect(list.body).toContain(shown('IDR 0 of IDR 50,000 today'));
    const keyId = /<tr data-testid="key-([0-9]+)"><th scope="row">bot</.exec(list.body)?.[1];
    expect(keyId).toBeDefined();

    const revoked = await post('/keys', { action: 'revoke', id: keyId! });
    expect(revoked.statusCode).toBe(303);
    expect((await get(revoked.headers.location!)).body).toContain('The key “bot” is revoked.');
    const refused = await app.inject({ method: 'GET', url: '/v2/balance', headers: bearer(secret!) });
    expect(refused.statusCode).toBe(401);
  });

  it('make one key for a create form posted twice, and say so on the second post', async () => {
    const { get, post, api } = await customer();
    const form = (await get('/keys')).body;
    const idempotencyKey = /name="idempotency_key" value="([^"]+)"/.exec(form)?.[1];
    expect(idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    const fields = { action: 'create', name: 'twice', scopes: 'read', idempotency_key: idempotencyKey! };
    const first = await post('/keys', fields);
    expect(first.statusCode, first.body).toBe(201);
    const secret = /<input id="new-key"[^>]*value="([^"]+)"/.exec(first.body)?.[1];
    const second = await post('/keys', fields);
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('data-testid="key-repeated"');
    expect(second.body).toContain('twice');
    expect(second.body).not.toContain(secret!);
    expect(second.body).not.toContain('data-testid="new-key"');
    const keys = (await api('GET', '/api/keys')).json().data as Array<{ name: string }>;
    expect(keys.filter((k) => k.name === 'twice')).toHaveLength(1);
    // Each rendering of the form has its own key.
    const again = /name="idempotency_key" value="([^"]+)"/.exec(second.body)?.[1];
    expect(again).not.toBe(idempotencyKey);
  });

  it('refuse a key without a scope in the page, keeping what was typed', async () => {
    const { post } = await customer();
    const refused = await post('/keys', { action: 'create', name: 'no scopes' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).toContain('value="no scopes"');
  });

  it('change nothing on a post without the page’s CSRF token', async () => {
    const { apiKey, post, api } = await customer();
    const before = (await api('GET', '/api/keys')).json().data.length;
    const forged = await post('/keys', { action: 'create', name: 'forged', scopes: 'read' }, false);
    expect(forged.statusCode).toBe(403);
    expect(forged.body).not.toContain('data-testid="new-key"');
    expect((await api('GET', '/api/keys')).json().data).toHaveLength(before);

    const hook = await post('/webhooks', { action: 'save', webhook_url: 'https://evil.example/x' }, false);
    expect(hook.statusCode).toBe(403);
    const config = await app.inject({ method: 'GET', url: '/v2/webhook', headers: bearer(apiKey) });
    expect(config.json().data.webhook_url).toBeNull();
  });

  it('save webhook settings, send a test event, rotate the secret and save the handler settings', async () => {
    const receiver = await startReceiver();
    const { post, get, api } = await customer();
    const saved = await post('/webhooks', { action: 'save', webhook_url: receiver.url });
    expect(saved.statusCode, saved.body).toBe(303);
    expect((await get(saved.headers.location!)).body).toContain('Webhook settings saved.');
    const config = (await api('GET', '/v2/webhook')).json().data;
    expect(config.webhook_url).toBe(receiver.url);
    expect(config.webhook_secret).toBeTruthy();

    const tested = await post('/webhooks', { action: 'test' });
    expect(tested.headers.location).toBe('/webhooks?tested=200');
    expect((await receiver.waitFor(1))[0]!.body).toContain('webhook.test');
    expect((await get(tested.headers.location!)).body).toContain('your server answered 200');

    const rotated = await post('/webhooks', { action: 'rotate' });
    expect(rotated.headers.location).toBe('/webhooks?done=rotated');
    const after = (await api('GET', '/v2/webhook')).json().data;
    expect(after.webhook_secret).toMatch(/^[0-9a-f]{64}$/);
    expect(after.webhook_secret).not.toBe(config.webhook_secret);

    const handler = await post('/webhooks', {
      action: 'handler',
      handler_webhook_url: receiver.url,
      handler_json_errors: 'on',
    });
    expect(handler.statusCode, handler.body).toBe(303);
    expect((await api('GET', '/api/handler-settings')).json().data).toEqual({
      handler_webhook_url: receiver.url,
      handler_json_errors: true,
    });

    const invalid = await post('/webhooks', { action: 'save', webhook_url: 'not a url' });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.body).toContain('role="alert"');
    expect(invalid.body).toContain('value="not a url"');
  });

  it('list deliveries and send one again, but never another account’s', async () => {
    const receiver = await startReceiver();
    const { account, post, get, api } = await customer();
    await api('PATCH', '/v2/webhook', { webhook_url: receiver.url });
    const deliveryId = await enqueueWebhook({
      ctx,
      input: {
        accountId: account.id,
        orderEventId: null,
        body: { event: 'order.updated', timestamp: new Date().toISOString(), data: {} },
      },
    });
    const page = (await get('/webhooks')).body;
    expect(page).toContain(`data-testid="delivery-${deliveryId}"`);
    expect(page).toContain('order.updated');

    const again = await post('/webhooks', { action: 'redeliver', id: String(deliveryId) });
    expect(again.headers.location).toBe('/webhooks?done=redelivered');

    const other = await customer();
    const refused = await other.post('/webhooks', { action: 'redeliver', id: String(deliveryId) });
    expect(refused.statusCode).toBe(404);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).not.toContain('order.updated');
  });
});
