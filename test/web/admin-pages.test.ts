/**
 * The operators' pages over plain HTTP: each one opens for an admin, gives a customer the 403 page and
 * sends a visitor who is not signed in to the login page; their forms act through the admin API (a credit
 * raises the balance once per form, a suspension suspends), and a post without the page's CSRF token
 * changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { placeAbuseBan } from '../../src/abuse/place-abuse-ban.ts';
import { startSandboxGateways } from '../../src/sandbox/start-sandbox-gateways.ts';
import { en } from '../../web/src/i18n/messages/en.ts';
import { ru } from '../../web/src/i18n/messages/ru.ts';
import { formatIdr } from '../../web/src/lib/format.ts';
import { createCustomer } from '../support/factories.ts';
import { PASSWORD } from '../support/log-in.ts';
import { addProvider } from '../support/pool-fixtures.ts';
import { cookiesSet } from '../support/sign-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';

// The abuse guard on, so a ban can be shown and lifted.
const ctx = await createTestContext({ NUMPOOL_ABUSE_GUARD: '1' });
const app = await createTestApp(ctx);

/** A form's fields, urlencoded; an array is a repeated field (rows of inputs with one name). */
const encode = (fields: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const one of [value].flat()) params.append(name, one);
  return params.toString();
};
// Browsers send Origin with every form post; Astro refuses one from another site.
const FORM = { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' };

/** A browser's cookie jar: what every answer set, sent with the next request. */
async function signedIn(email: string) {
  const cookies = new Map<string, string>();
  const keep = (setCookie: string | string[] | undefined) => {
    for (const pair of cookiesSet(setCookie)) {
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookie = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const login = await app.inject({
    method: 'POST',
    url: '/login',
    headers: FORM,
    payload: encode({ email, password: PASSWORD }),
  });
  expect(login.statusCode, login.body).toBe(303);
  keep(login.headers['set-cookie']);
  return {
    async get(url: string) {
      const response = await app.inject({ method: 'GET', url, headers: { cookie: cookie() } });
      keep(response.headers['set-cookie']);
      return response;
    },
    async post(url: string, fields: Record<string, string | string[]>) {
      const response = await app.inject({
        method: 'POST',
        url,
        headers: { ...FORM, cookie: cookie() },
        payload: encode(fields),
      });
      keep(response.headers['set-cookie']);
      return response;
    },
  };
}

const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';

const gateways = await startSandboxGateways({ ctx, input: {} });
cleanupAfterFile(() => gateways.close());
const { account: admin } = await createCustomer(ctx, { role: 'admin' });
const { account: customer } = await createCustomer(ctx, { balance: 10_000 });
const adminBrowser = await signedIn(admin.email);

async function balanceOf(accountId: number): Promise<number> {
  const page = await adminBrowser.get(`/admin/api/accounts/${accountId}`);
  return page.json().data.balance.available;
}

const PAGES = [
  ['/admin', en['admin.dashboard.title']],
  ['/admin/providers', en['admin.providers.title']],
  ['/admin/accounts', en['admin.accounts.title']],
  [`/admin/accounts/${customer.id}`, customer.email],
  ['/admin/orders', en['admin.orders.title']],
  ['/admin/payments', en['admin.payments.title']],
  ['/admin/audit', en['admin.audit.title']],
] as const;

describe('admin pages', () => {
  it('open for an admin, with the admin navigation', async () => {
    for (const [url, heading] of PAGES) {
      const page = await adminBrowser.get(url);
      expect(page.statusCode, `${url}: ${page.body.slice(0, 500)}`).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      // Their forms post back with the page's Origin (no-referrer would make it null).
      expect(page.headers['referrer-policy']).toBe('same-origin');
      expect(page.body).toContain(heading);
      expect(page.body).toContain(`aria-label="${en['admin.nav.label']}"`);
    }
  });

  it('speak Russian when asked', async () => {
    for (const [url] of PAGES) {
      const page = await adminBrowser.get(`${url}?lang=ru`);
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toContain('<html lang="ru"');
      expect(page.body).toContain(ru['admin.nav.label']);
    }
    await adminBrowser.get('/admin?lang=en');
  });

  it('give a customer the 403 page, and send a visitor who is not signed in to log in', async () => {
    const customerBrowser = await signedIn(customer.email);
    for (const [url] of PAGES) {
      const page = await customerBrowser.get(url);
      expect(page.statusCode, url).toBe(403);
      expect(page.body).toContain(en['forbidden.title']);
      expect(page.body).not.toContain(en['admin.nav.label']);
      const anonymous = await app.inject({ method: 'GET', url });
      expect(anonymous.statusCode, url).toBe(303);
      expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    // Nor may a customer post to one.
    const forged = await customerBrowser.post(`/admin/accounts/${customer.id}`, {
      action: 'credit',
      amount: '1000',
      reason: 'mine',
    });
    expect(forged.statusCode).toBe(403);
    expect(await balanceOf(customer.id)).toBe(10_000);
  });

  it('shows the dashboard’s empty state before any order, and the 404 page for an unknown account', async () => {
    const dashboard = await adminBrowser.get('/admin');
    expect(dashboard.body).toContain('data-testid="dashboard-empty"');
    expect((await adminBrowser.get('/admin/accounts/999999999')).statusCode).toBe(404);
    expect((await adminBrowser.get('/admin/orders/999999999')).statusCode).toBe(404);
  });

  it('credits an account from its page once per form, and says so after the redirect', async () => {
    const { account } = await createCustomer(ctx, { balance: 2_000 });
    const url = `/admin/accounts/${account.id}`;
    const page = await adminBrowser.get(url);
    const fields = {
      _csrf: hidden(page.body, '_csrf'),
      idempotency_key: hidden(page.body, 'idempotency_key'),
      action: 'credit',
      amount: '5000',
      reason: 'goodwill for a late code',
    };
    const credit = await adminBrowser.post(url, fields);
    expect(credit.statusCode, credit.body.slice(0, 500)).toBe(303);
    expect(credit.headers.location).toMatch(new RegExp(`^${url}\\?notice=credit`));
    expect(await balanceOf(account.id)).toBe(7_000);
    // The same form sent again (a double click, a reload) credits nothing more.
    expect((await adminBrowser.post(url, fields)).statusCode).toBe(303);
    expect(await balanceOf(account.id)).toBe(7_000);

    const after = await adminBrowser.get(credit.headers.location!);
    expect(after.body).toContain(
      `role="status">${en['admin.notice.credit'].replace('{amount}', formatIdr(5_000, 'en'))}`,
    );
    expect(after.body).toMatch(new RegExp(`data-testid="balance-available"[^>]*>${formatIdr(7_000, 'en')}<`));
    const audit = await adminBrowser.get(`/admin/audit?action=account.credit&target_id=${account.id}`);
    expect(audit.body).toMatch(/<code[^>]*>account\.credit<\/code>/);
    expect(audit.body).toContain('goodwill for a late code');
  });

  it('suspends and unsuspends an account, and refuses an empty reason in the page', async () => {
    const { account } = await createCustomer(ctx);
    const url = `/admin/accounts/${account.id}`;
    const csrf = hidden((await adminBrowser.get(url)).body, '_csrf');
    const refused = await adminBrowser.post(url, { _csrf: csrf, action: 'suspend', reason: '' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('role="alert"');

    const suspend = await adminBrowser.post(url, { _csrf: csrf, action: 'suspend', reason: 'chargeback' });
    expect(suspend.statusCode).toBe(303);
    const detail = (await adminBrowser.get(`/admin/api/accounts/${account.id}`)).json().data;
    expect(detail).toMatchObject({ status: 'suspended', suspended_reason: 'chargeback' });
    const page = await adminBrowser.get(url);
    expect(page.body).toContain(en['admin.account.unsuspend']);

    expect((await adminBrowser.post(url, { _csrf: csrf, action: 'unsuspend' })).statusCode).toBe(303);
    expect((await adminBrowser.get(`/admin/api/accounts/${account.id}`)).json().data.status).toBe('active');
  });

  it('changes nothing for a post without the page’s CSRF token', async () => {
    const { account } = await createCustomer(ctx, { balance: 1_000 });
    const url = `/admin/accounts/${account.id}`;
    const credit = await adminBrowser.post(url, { action: 'credit', amount: '5000', reason: 'forged' });
    expect(credit.statusCode).toBe(403);
    expect(credit.body).toContain('role="alert"');
    const suspend = await adminBrowser.post(url, { action: 'suspend', reason: 'forged' });
    expect(suspend.statusCode).toBe(403);
    const detail = (await adminBrowser.get(`/admin/api/accounts/${account.id}`)).json().data;
    expect(detail.balance.available).toBe(1_000);
    expect(detail.status).toBe('active');
    const disable = await adminBrowser.post('/admin/providers', { action: 'disable', provider: 'nobody' });
    expect(disable.statusCode).toBe(403);
  });

  it('switches a provider off and on, seals its credential, and sets and removes a markup rule', async () => {
    const provider = await addProvider(ctx);
    const csrf = hidden((await adminBrowser.get('/admin/providers')).body, '_csrf');
    const send = (fields: Record<string, string>) =>
      adminBrowser.post('/admin/providers', { _csrf: csrf, provider: provider.code, ...fields });
    const stored = async () =>
      (await adminBrowser.get(`/admin/api/providers/${provider.code}`)).json().data as {
        enabled: boolean;
        has_credential: boolean;
      };

    const off = await send({ action: 'disable' });
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toBe(`/admin/providers?notice=disable&n.provider=${provider.code}`);
    expect((await stored()).enabled).toBe(false);
    expect((await send({ action: 'enable' })).statusCode).toBe(303);
    expect((await stored()).enabled).toBe(true);

    const secret = 'a-new-provider-secret-0123456789';
    expect((await send({ action: 'credential', credential: secret })).statusCode).toBe(303);
    const page = await adminBrowser.get('/admin/providers');
    expect(page.body).not.toContain(secret);
    expect(page.body).not.toContain('0123456789abcdef0123456789abcdef');
    expect((await send({ action: 'credential-remove' })).statusCode).toBe(303);
    expect((await stored()).has_credential).toBe(false);

    const rule = await send({
      action: 'markup-set',
      scope: 'provider',
      target_id: String(provider.id),
      multiplier: '1.5',
      add_idr: '100',
    });
    expect(rule.statusCode, rule.body.slice(0, 300)).toBe(303);
    const rules = (await adminBrowser.get('/admin/api/markup-rules')).json().data as Array<{
      id: number;
      provider_id: number | null;
      multiplier: string;
    }>;
    const mine = rules.find((r) => r.provider_id === provider.id);
    expect(Number(mine?.multiplier)).toBe(1.5);
    expect((await send({ action: 'markup-delete', rule: String(mine!.id) })).statusCode).toBe(303);
    const after = (await adminBrowser.get('/admin/api/markup-rules')).json().data as Array<{
      provider_id: number | null;
    }>;
    expect(after.some((r) => r.provider_id === provider.id)).toBe(false);

    const refused = await send({ action: 'markup-set', scope: 'global', multiplier: 'lots' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('role="alert"');
  });

  it('saves the top-up bonus tiers, reconciles on demand, and filters the audit log', async () => {
    const csrf = hidden((await adminBrowser.get('/admin/payments')).body, '_csrf');
    const tiers = await adminBrowser.post('/admin/payments', {
      _csrf: csrf,
      action: 'bonus',
      // Repeated fields, as the form's rows send them; the empty row is dropped.
      min_idr: ['100000', ''],
      percent: ['5', ''],
    });
    expect(tiers.statusCode, tiers.body.slice(0, 300)).toBe(303);
    expect((await adminBrowser.get('/admin/api/topup-bonus')).json().data).toEqual({
      tiers: [{ min_idr: 100_000, percent: '5.00' }],
    });
    const reconcile = await adminBrowser.post('/admin/payments', { _csrf: csrf, action: 'reconcile' });
    expect(reconcile.statusCode).toBe(303);
    expect(reconcile.headers.location).toMatch(/^\/admin\/payments\?notice=reconcile&n\.checked=/);
    const review = await adminBrowser.get('/admin/payments?topup_status=review');
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('<option value="review" selected');

    const audit = await adminBrowser.get('/admin/audit?action=topup_bonus.');
    expect(audit.statusCode).toBe(200);
    expect(audit.body).toMatch(/<code[^>]*>topup_bonus\.set<\/code>/);
    expect(audit.body).not.toMatch(/<code[^>]*>account\.credit<\/code>/);
    const since = await adminBrowser.get('/admin/audit?since=2999-01-01T00:00');
    expect(since.body).toContain(en['admin.nothingFound']);
  });

  it('shows the latest refused payment notifications', async () => {
    const quiet = await adminBrowser.get('/admin/payments');
    expect(quiet.body).toContain(en['admin.refused.none']);
    const forged = await app.inject({
      method: 'POST',
      url: '/hooks/payments/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      payload: '{"id":"evt_forged","object":"event","type":"checkout.session.completed"}',
    });
    expect(forged.statusCode).toBe(400);
    const page = await adminBrowser.get('/admin/payments');
    expect(page.body).toContain('data-testid="refused"');
    expect(page.body).toMatch(/<td[^>]*>stripe<\/td><td[^>]*>bad_signature<\/td>/);
  });

  it('edits a gateway’s terms from its form and keeps what the form does not show', async () => {
    const list = async () =>
      (await adminBrowser.get('/admin/api/payment-gateways')).json().data as Array<{
        code: string;
        enabled: boolean;
        fee_percent: string;
        min_amount: string | null;
        max_amount: string | null;
        methods: string[];
        base_url: string;
      }>;
    const before = (await list()).find((g) => g.code === 'duitku')!;
    const page = await adminBrowser.get('/admin/payments');
    expect(page.body).toContain('data-testid="gateway"');
    const saved = await adminBrowser.post('/admin/payments', {
      _csrf: hidden(page.body, '_csrf'),
      action: 'gateway',
      gateway: 'duitku',
      fee_percent: '2.5',
      min_amount: '20000',
      max_amount: '',
    });
    expect(saved.statusCode, saved.body.slice(0, 300)).toBe(303);
    const after = (await list()).find((g) => g.code === 'duitku')!;
    expect(after).toMatchObject({ enabled: false, min_amount: '20000.00', max_amount: null });
    expect(Number(after.fee_percent)).toBe(2.5);
    expect(after.methods).toEqual(before.methods);
    expect(after.base_url).toBe(before.base_url);
  });

  it('lifts an account’s abuse-guard ban from its page', async () => {
    const { account } = await createCustomer(ctx);
    await placeAbuseBan({
      ctx,
      input: {
        accountId: account.id,
        reason: {
          orders: 12,
          failed: 11,
          failureRate: 11 / 12,
          thresholds: { windowOrders: 20, minOrders: 10, failureRate: 0.8 },
        },
      },
    });
    const url = `/admin/accounts/${account.id}`;
    const page = await adminBrowser.get(url);
    expect(page.body).toContain(en['admin.account.lift']);
    const lift = await adminBrowser.post(url, { _csrf: hidden(page.body, '_csrf'), action: 'lift' });
    expect(lift.statusCode).toBe(303);
    expect((await adminBrowser.get(`/admin/api/accounts/${account.id}/abuse-guard`)).json().data.banned).toBe(
      false,
    );
    expect((await adminBrowser.get(lift.headers.location!)).body).not.toContain(en['admin.account.lift']);
  });
});
