/**
 * The operator console's accounts: search and detail, suspension and what it stops (creates on /v2 and the
 * handler API) and leaves (reading orders and balance), credits and debits by hand, and the audit trail
 * each writes. Every new /admin route refuses customers, by key and by session.
 */
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { HANDLER } from '../handler/handler-client.ts';
import { customer, orderWorld } from '../orders/order-fixture.ts';
import { createCustomer } from '../support/factories.ts';
import { signIn } from '../support/sign-in.ts';
import { bearer } from '../support/test-app.ts';

const world = await orderWorld();
const { app, ctx } = world;
const admin = await createCustomer(ctx, { role: 'admin' });

type Method = 'GET' | 'POST' | 'PATCH';
const call = (method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  app.inject({
    method,
    url: `/admin/api${url}`,
    headers: { ...bearer(admin.apiKey), ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const auditOf = async (accountId: number) =>
  (await call('GET', `/audit?target_type=account&target_id=${accountId}`)).json().data;

/** Every route this console adds, with a body that would be valid. */
const ROUTES: Array<[Method, string, unknown?]> = [
  ['GET', '/accounts'],
  ['GET', '/accounts/1'],
  ['POST', '/accounts/1/suspend', { reason: 'x' }],
  ['POST', '/accounts/1/unsuspend'],
  ['POST', '/accounts/1/credit', { amount: 1, reason: 'x' }],
  ['POST', '/accounts/1/debit', { amount: 1, reason: 'x' }],
  ['GET', '/orders'],
  ['GET', '/orders/1'],
  ['POST', '/orders/1/refund', { reason: 'x' }],
  ['GET', '/audit'],
];

describe('the console refuses everyone but admins', () => {
  it('answers 401 without credentials and 403 to a customer key and a customer session, on every route', async () => {
    const someone = await createCustomer(ctx, { balance: 5_000 });
    const browser = await signIn(ctx, app, someone.account.id);
    for (const [method, url, payload] of ROUTES) {
      const body = payload === undefined ? {} : { payload: payload as object };
      const anonymous = await app.inject({ method, url: `/admin/api${url}`, ...body });
      expect(anonymous.statusCode, `${method} ${url}`).toBe(401);
      for (const headers of [bearer(someone.apiKey), browser.headers]) {
        const refused = await app.inject({ method, url: `/admin/api${url}`, headers, ...body });
        expect(refused.statusCode, `${method} ${url}`).toBe(403);
        expect(refused.json().error.code).toBe('FORBIDDEN');
      }
    }
    // Nothing happened to anyone.
    expect((await call('GET', `/accounts/${someone.account.id}`)).json().data).toMatchObject({
      suspended: false,
      balance: { available: 5_000 },
    });
  });

  it('takes an admin session, with its CSRF token for changes', async () => {
    const target = await createCustomer(ctx);
    const browser = await signIn(ctx, app, admin.account.id);
    const url = `/admin/api/accounts/${target.account.id}/credit`;
    const payload = { amount: 10, reason: 'goodwill' };
    const noToken = await app.inject({ method: 'POST', url, headers: browser.cookies, payload });
    expect(noToken.statusCode).toBe(403);
    const ok = await app.inject({ method: 'POST', url, headers: browser.headers, payload });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.balance.available).toBe(10);
  });

  it('answers 404 for unknown ids and 422 for malformed ids and bodies, never 500', async () => {
    for (const [method, url, payload] of ROUTES.filter(([, u]) => u.includes('/1'))) {
      const unknown = await call(method, url.replace('/1', '/2147483000'), payload);
      expect(unknown.statusCode, `${method} ${url}`).toBe(404);
      expect(unknown.json().error.code).toBe('NOT_FOUND');
      for (const bad of ['/abc', '/-1', '/1.5', '/99999999999999999999']) {
        const malformed = await call(method, url.replace('/1', bad), payload);
        expect(malformed.statusCode, `${method} ${url} ${bad}`).toBe(422);
      }
    }
    const { account } = await createCustomer(ctx);
    const bodies = [
      {},
      { reason: '' },
      { reason: '   ' },
      { amount: 0, reason: 'x' },
      { amount: -5, reason: 'x' },
      { amount: 1.5, reason: 'x' },
      { amount: '10', reason: 'x', extra: 1 },
      { amount: 1e300, reason: 'x' },
      { amount: 10 },
      { amount: 10, reason: 'x'.repeat(501) },
    ];
    for (const path of ['credit', 'debit']) {
      for (const body of bodies) {
        const refused = await call('POST', `/accounts/${account.id}/${path}`, body);
        expect(refused.statusCode, `${path} ${JSON.stringify(body)}`).toBe(422);
        expect(refused.json().error.code).toBe('VALIDATION_ERROR');
      }
    }
    expect((await call('POST', `/accounts/${account.id}/suspend`, { reason: '' })).statusCode).toBe(422);
    expect((await call('POST', `/accounts/${account.id}/suspend`, 'not json')).statusCode).toBe(422);
    for (const query of ['limit=abc', 'before_id=-1', 'role=root', 'status=gone']) {
      expect((await call('GET', `/accounts?${query}`)).statusCode, query).toBe(422);
    }
    for (const query of ['since=yesterday', 'before_id=x', 'actor_account_id=-3']) {
      expect((await call('GET', `/audit?${query}`)).statusCode, query).toBe(422);
    }
  });
});

describe('account search and detail', () => {
  it('can answer an email substring from the trigram index, without reading every account', async () => {
    const client = await ctx.pool.connect();
    try {
      await client.query('BEGIN');
      // So few test rows make a sequential scan cheaper; forbidding it shows the index is usable at all.
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query(`EXPLAIN SELECT id FROM accounts WHERE email LIKE '%mple.te%'`);
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('accounts_email_trgm');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('finds by email substring or id, filters by role and state, newest first, paged by before_id', async () => {
    const a = await createCustomer(ctx);
    const b = await createCustomer(ctx);
    const byId = (await call('GET', `/accounts?q=${b.account.id}`)).json().data;
    expect(byId.map((x: { id: number }) => x.id)).toContain(b.account.id);
    const part = a.account.email.slice(0, 12);
    const byEmail = (await call('GET', `/accounts?q=${encodeURIComponent(part.toUpperCase())}`)).json().data;
    expect(byEmail.map((x: { email: string }) => x.email)).toEqual([a.account.email]);
    // LIKE's wildcards and escape are matched literally.
    for (const q of ['%', '_', '\\', 'x%y', `${part.slice(0, 3)}_`])
      expect((await call('GET', `/accounts?q=${encodeURIComponent(q)}`)).json().data, q).toEqual([]);
    const underscored = await createCustomer(ctx, { email: `under_score.${a.account.id}@example.test` });
    expect(
      (await call('GET', `/accounts?q=${encodeURIComponent(`under_score.${a.account.id}`)}`))
        .json()
        .data.map((x: { id: number }) => x.id),
    ).toEqual([underscored.account.id]);

    const admins = (await call('GET', '/accounts?role=admin')).json().data;
    expect(admins.every((x: { role: string }) => x.role === 'admin')).toBe(true);
    expect(admins.map((x: { id: number }) => x.id)).toContain(admin.account.id);

    const first = (await call('GET', '/accounts?limit=2')).json().data;
    expect(first).toHaveLength(2);
    expect(first[0].id).toBeGreaterThan(first[1].id);
    const next = (await call('GET', `/accounts?limit=2&before_id=${first[1].id}`)).json().data;
    expect(next[0].id).toBeLessThan(first[1].id);
  });

  it('shows one account with balance, counts, keys and its recent orders', async () => {
    const me = await customer(world, 100_000);
    const created = await me.call('POST', '/v2/orders/create', {
      catalog_product_id: world.catalogProductId,
    });
    expect(created.statusCode).toBe(200);
    const orderId = created.json().data.orders[0].id;
    const detail = await call('GET', `/accounts/${me.account.id}`);
    expect(detail.statusCode).toBe(200);
    const data = detail.json().data;
    expect(data).toMatchObject({
      id: me.account.id,
      email: me.account.email,
      role: 'customer',
      status: 'active',
      suspended: false,
      order_counts: { ACTIVE: 1 },
      active_api_keys: 1,
      active_sessions: 0,
    });
    expect(data.balance.available).toBe(await me.balance());
    expect(data.balance.pending).toBeGreaterThan(0);
    expect(data.recent_orders.map((o: { id: number }) => o.id)).toEqual([orderId]);
    expect(data.recent_orders[0]).toMatchObject({ account_id: me.account.id, status: 'ACTIVE' });
    expect(detail.body).not.toContain(me.apiKey);
  });
});

describe('suspension', () => {
  it('stops creates on /v2 and the handler API, keeps reads, and ends at once', async () => {
    const me = await customer(world, 200_000);
    const create = () => me.call('POST', '/v2/orders/create', { catalog_product_id: world.catalogProductId });
    const handlerGet = (params: Record<string, string>) =>
      app.inject({
        method: 'GET',
        url: `${HANDLER}?${new URLSearchParams({ api_key: me.apiKey, ...params })}`,
      });
    const before = await create();
    expect(before.statusCode).toBe(200);

    const suspended = await call('POST', `/accounts/${me.account.id}/suspend`, {
      reason: 'chargeback review',
    });
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json().data).toMatchObject({
      status: 'suspended',
      suspended: true,
      suspended_reason: 'chargeback review',
    });
    const again = await call('POST', `/accounts/${me.account.id}/suspend`, { reason: 'twice' });
    expect(again.statusCode).toBe(409);

    // The very next create is refused (no cache in between), in the contract's envelope.
    const refused = await create();
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      success: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('account suspended') },
    });
    const keyed = await me.call(
      'POST',
      '/v1/orders/create',
      { catalog_product_id: world.catalogProductId },
      { 'idempotency-key': 'while-suspended' },
    );
    expect(keyed.statusCode).toBe(403);
    for (const action of ['getNumber', 'getNumberV2']) {
      const plain = await handlerGet({ action, service: 'wa', country: '6' });
      expect({ status: plain.statusCode, body: plain.body }).toEqual({
        status: 200,
        body: 'ACCOUNT_INACTIVE',
      });
      const json = await handlerGet({ action, service: 'wa', country: '6', errors: 'json' });
      expect(json.statusCode).toBe(403);
      expect(json.json().title).toBe('ACCOUNT_INACTIVE');
    }

    // Reads still work: orders, balance, catalog.
    const balanceBefore = await me.balance();
    const orders = await me.call('GET', '/v2/orders');
    expect(orders.statusCode).toBe(200);
    expect(orders.json().data.map((o: { id: number }) => o.id)).toContain(before.json().data.orders[0].id);
    expect((await me.call('GET', '/v1/balance')).statusCode).toBe(200);
    expect((await me.call('GET', '/v2/catalog/countries')).statusCode).toBe(200);
    expect((await handlerGet({ action: 'getBalance' })).body).toMatch(/^ACCESS_BALANCE:/);
    expect(await me.balance()).toBe(balanceBefore);

    const ended = await call('POST', `/accounts/${me.account.id}/unsuspend`);
    expect(ended.json().data).toMatchObject({ status: 'active', suspended: false, suspended_reason: null });
    expect((await call('POST', `/accounts/${me.account.id}/unsuspend`)).statusCode).toBe(409);
    expect((await create()).statusCode).toBe(200);
    // The refused key stored nothing: it runs as new now.
    const retried = await me.call(
      'POST',
      '/v1/orders/create',
      { catalog_product_id: world.catalogProductId },
      { 'idempotency-key': 'while-suspended' },
    );
    expect(retried.statusCode).toBe(200);
    expect(await checkLedger({ ctx })).toEqual([]);
  });
});

describe('credits, debits and their audit trail', () => {
  it('credit then suspend: the audit log has both, with before and after, request id and IP', async () => {
    const { account } = await createCustomer(ctx, { balance: 1_000 });
    const credited = await call(
      'POST',
      `/accounts/${account.id}/credit`,
      { amount: 2_500, reason: 'compensation for outage' },
      { 'x-forwarded-for': '198.51.100.9' },
    );
    expect(credited.statusCode).toBe(200);
    expect(credited.json().data).toMatchObject({
      replayed: false,
      balance_before: { available: 1_000 },
      balance: { available: 3_500 },
    });
    const memo = await ctx.db.query('SELECT code, memo FROM transfers WHERE id = $1', [
      credited.json().data.transfer_id,
    ]);
    expect(memo.rows[0]).toEqual({ code: 'manual_credit', memo: 'compensation for outage' });
    const suspended = await call('POST', `/accounts/${account.id}/suspend`, { reason: 'fraud check' });
    expect(suspended.statusCode).toBe(200);

    const entries = await auditOf(account.id);
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['account.suspend', 'account.credit']);
    const [suspend, credit] = entries;
    expect(credit).toMatchObject({
      actor_kind: 'account',
      actor_account_id: admin.account.id,
      target_type: 'account',
      target_id: String(account.id),
      request_id: credited.headers['x-request-id'],
      ip: expect.any(String),
      before: { balance: { available: 1_000, posted: 1_000, pending: 0 } },
      after: {
        balance: { available: 3_500, posted: 3_500, pending: 0 },
        amount: 2_500,
        reason: 'compensation for outage',
        transfer_id: credited.json().data.transfer_id,
      },
    });
    expect(suspend).toMatchObject({
      actor_account_id: admin.account.id,
      before: { suspended: false, suspended_reason: null },
      after: { suspended: true, suspended_reason: 'fraud check' },
      request_id: suspended.headers['x-request-id'],
      ip: '127.0.0.1',
    });
    expect(credit.ip).toBe('127.0.0.1');
    const byAction = (await call('GET', `/audit?action=account.&actor_account_id=${admin.account.id}`)).json()
      .data;
    expect(byAction.length).toBeGreaterThanOrEqual(2);
    expect(byAction.every((e: { action: string }) => e.action.startsWith('account.'))).toBe(true);
    const future = (
      await call('GET', `/audit?since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)
    ).json().data;
    expect(future).toEqual([]);
  });

  it('a debit never overdraws, also when two race for the same money', async () => {
    const { account } = await createCustomer(ctx, { balance: 1_000 });
    const tooMuch = await call('POST', `/accounts/${account.id}/debit`, {
      amount: 1_001,
      reason: 'correction',
    });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.json().error.code).toBe('INSUFFICIENT_BALANCE');

    const racing = await Promise.all(
      [1, 2].map(() =>
        call('POST', `/accounts/${account.id}/debit`, { amount: 700, reason: 'double entry' }),
      ),
    );
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const detail = (await call('GET', `/accounts/${account.id}`)).json().data;
    expect(detail.balance).toEqual({ available: 300, posted: 300, pending: 0 });
    // Only the debit that happened is in the log.
    expect((await auditOf(account.id)).map((e: { action: string }) => e.action)).toEqual(['account.debit']);
    expect(await checkLedger({ ctx })).toEqual([]);
  });

  it('an idempotency key makes a credit happen once; reused for another amount it is refused', async () => {
    const { account } = await createCustomer(ctx);
    const headers = { 'idempotency-key': 'ticket-4711' };
    const body = { amount: 5_000, reason: 'manual top-up, bank transfer' };
    const [first, second] = await Promise.all([
      call('POST', `/accounts/${account.id}/credit`, body, headers),
      call('POST', `/accounts/${account.id}/credit`, body, headers),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(first.json().data.transfer_id).toBe(second.json().data.transfer_id);
    expect([first.json().data.replayed, second.json().data.replayed].sort()).toEqual([false, true]);
    const reused = await call('POST', `/accounts/${account.id}/credit`, { ...body, amount: 6_000 }, headers);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await call('GET', `/accounts/${account.id}`)).json().data.balance.available).toBe(5_000);
    expect(await auditOf(account.id)).toHaveLength(1);
  });
});

describe('existing admin changes are audited', () => {
  it('records provider create and update, markup and FX changes, without secrets', async () => {
    const created = await call('POST', '/providers', {
      code: 'audited',
      kind: 'handler',
      base_url: 'https://audited.example',
      credential: 'top-secret-credential',
    });
    expect(created.statusCode).toBe(200);
    const id = created.json().data.id;
    expect(
      (await call('PATCH', '/providers/audited', { priority: 7, credential: 'another-secret' })).statusCode,
    ).toBe(200);
    const rule = await app.inject({
      method: 'PUT',
      url: '/admin/api/markup-rules',
      headers: bearer(admin.apiKey),
      payload: { scope: 'country', country_id: 6, multiplier: 1.5 },
    });
    expect(rule.statusCode).toBe(200);
    const fx = await app.inject({
      method: 'PUT',
      url: '/admin/api/fx-rates/RUB',
      headers: bearer(admin.apiKey),
      payload: { idr_per_unit: 180 },
    });
    expect(fx.statusCode).toBe(200);

    const providerLog = (await call('GET', `/audit?target_type=provider&target_id=${id}`)).json().data;
    expect(providerLog.map((e: { action: string }) => e.action)).toEqual([
      'provider.update',
      'provider.create',
    ]);
    expect(providerLog[0]).toMatchObject({
      before: { priority: 100, has_credential: true },
      after: { priority: 7, has_credential: true, credential_changed: true },
      actor_account_id: admin.account.id,
    });
    const text = JSON.stringify(providerLog);
    expect(text).not.toContain('secret');
    expect(text).not.toContain(created.json().data.push_url_path.split('secret=')[1]);

    const pricing = (await call('GET', '/audit?action=fx_rate.set')).json().data;
    expect(pricing[0]).toMatchObject({
      target_id: 'RUB',
      after: { idr_per_unit: expect.stringMatching(/^180/) },
    });
    const markup = (await call('GET', '/audit?target_type=markup_rule')).json().data;
    expect(markup[0]).toMatchObject({ action: 'markup_rule.set', after: { multiplier: '1.5000' } });
  });
});
