/**
 * A customer's whole path through /api alone, on the sandbox: sign up, verify the address from the sandbox
 * mail folder, log in, turn on two-factor, log in with a code, make a scoped key, use it on /v2 and on the
 * handler API, revoke it. Then an operator credits and suspends the account, and the audit log shows both.
 */
import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/accounts/totp/totp.ts';
import { orderWorld } from '../orders/order-fixture.ts';
import { createCustomer, uniqueEmail } from '../support/factories.ts';
import { browserFrom, postLogin } from '../support/log-in.ts';
import { waitForSandboxToken } from '../support/sandbox-mail.ts';
import { bearer } from '../support/test-app.ts';

const world = await orderWorld();
const { app, ctx, clock } = world;
const PASSWORD = 'a long enough passphrase';

const json = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  body?: unknown,
) =>
  app.inject({
    method,
    url,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
const handler = (key: string, params: Record<string, string | number>) =>
  app.inject({
    method: 'GET',
    url: `/stubs/handler_api.php?${new URLSearchParams({ api_key: key, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) })}`,
  });

describe('a customer opens an account alone and an operator acts on it', () => {
  it('signs up, verifies, logs in with TOTP, uses and revokes a scoped key; is credited, suspended and audited', async () => {
    const email = uniqueEmail('journey');

    // Sign up, and follow the link from the sandbox mail folder.
    const signup = await json('POST', '/api/signup', {}, { email, password: PASSWORD });
    expect(signup.statusCode).toBe(202);
    const token = await waitForSandboxToken(ctx.config.dataDir, email, 'verify');
    expect((await json('POST', '/api/verify-email', {}, { token })).statusCode).toBe(200);

    // Log in; turn on two-factor (the session rotates); log in again with a code.
    let browser = browserFrom(await postLogin(app, { email, password: PASSWORD }));
    const me = await json('GET', '/api/session', browser.cookies);
    expect(me.json().data.account).toMatchObject({ email, role: 'customer', email_verified: true });
    const accountId: number = me.json().data.account.id;
    const setup = await json('POST', '/api/2fa/setup', browser.headers, {});
    expect(setup.statusCode).toBe(200);
    const secret: string = setup.json().data.secret;
    const enabled = await json('POST', '/api/2fa/enable', browser.headers, {
      code: totpCodeAt(secret, clock.now()),
    });
    expect(enabled.json().data.recovery_codes).toHaveLength(10);
    browser = browserFrom(enabled, browser);
    clock.advance(30_000);
    const withoutCode = await postLogin(app, { email, password: PASSWORD });
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.json().error.details).toEqual({ mfa_required: true });
    browser = browserFrom(
      await postLogin(app, { email, password: PASSWORD, totp_code: totpCodeAt(secret, clock.now()) }),
    );

    // An operator credits the new account.
    const { apiKey: adminKey } = await createCustomer(ctx, { role: 'admin' });
    const credit = await json('POST', `/admin/api/accounts/${accountId}/credit`, bearer(adminKey), {
      amount: 500_000,
      reason: 'welcome credit',
    });
    expect(credit.json().data).toMatchObject({
      balance_before: { available: 0 },
      balance: { available: 500_000 },
    });

    // A key that may read and order, but not touch webhooks.
    const created = await json('POST', '/api/keys', browser.headers, {
      name: 'bot',
      scopes: ['read', 'orders'],
    });
    expect(created.statusCode).toBe(201);
    const { id: keyId, key } = created.json().data as { id: number; key: string };
    const order = await json(
      'POST',
      '/v2/orders/create',
      { ...bearer(key), 'idempotency-key': 'journey-1' },
      {
        catalog_product_id: world.catalogProductId,
      },
    );
    expect(order.statusCode).toBe(200);
    const orderId: number = order.json().data.orders[0].id;
    expect((await json('GET', `/v2/orders/${orderId}`, bearer(key))).json().data.status).toBe('ACTIVE');
    expect((await json('GET', '/v2/webhook', bearer(key))).statusCode).toBe(403);
    expect((await handler(key, { action: 'getBalance' })).body).toMatch(/^ACCESS_BALANCE:\d+(\.\d+)?$/);
    expect((await handler(key, { action: 'getNumber', service: 'wa', country: 6 })).body).toMatch(
      /^ACCESS_NUMBER:\d+:\d+$/,
    );

    // Revoked: refused at once on both surfaces.
    expect((await json('DELETE', `/api/keys/${keyId}`, browser.headers)).statusCode).toBe(200);
    expect((await json('GET', `/v2/orders/${orderId}`, bearer(key))).statusCode).toBe(401);
    expect((await handler(key, { action: 'getBalance' })).body).toBe('BAD_KEY');

    // Suspended: no new orders (the contract's error), but the history stays readable.
    const suspend = await json('POST', `/admin/api/accounts/${accountId}/suspend`, bearer(adminKey), {
      reason: 'chargeback under review',
    });
    expect(suspend.statusCode).toBe(200);
    const second = await json('POST', '/api/keys', browser.headers, { name: 'after suspension' });
    const key2: string = second.json().data.key;
    const refused = await json(
      'POST',
      '/v2/orders/create',
      { ...bearer(key2), 'idempotency-key': 'journey-2' },
      {
        catalog_product_id: world.catalogProductId,
      },
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('FORBIDDEN');
    expect((await handler(key2, { action: 'getNumber', service: 'wa', country: 6 })).body).toBe(
      'ACCOUNT_INACTIVE',
    );
    const history = await json('GET', '/v2/orders', bearer(key2));
    expect(history.json().data.map((o: { id: number }) => o.id)).toContain(orderId);
    expect((await json('GET', '/v2/balance', bearer(key2))).statusCode).toBe(200);

    // The audit log has both operator actions, with before and after.
    const audit = await json(
      'GET',
      `/admin/api/audit?target_type=account&target_id=${accountId}`,
      bearer(adminKey),
    );
    const entries = audit.json().data as Array<{ action: string; before: unknown; after: unknown }>;
    const byAction = Object.fromEntries(entries.map((e) => [e.action, e]));
    expect(byAction['account.credit']).toMatchObject({
      before: { balance: expect.objectContaining({ available: 0 }) },
      after: expect.objectContaining({
        balance: expect.objectContaining({ available: 500_000 }),
        reason: 'welcome credit',
      }),
    });
    expect(byAction['account.suspend']).toMatchObject({
      before: expect.objectContaining({ suspended: false }),
      after: expect.objectContaining({ suspended: true }),
    });
  });
});
