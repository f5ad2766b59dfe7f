/**
 * The operators' pages over plain HTTP: each one opens for an admin, gives a customer the 403 page and
 * sends a visitor who is not signed in to the login page; their forms act through the admin API (a credit
 * raises the balance once per form, a suspension suspends), and a post without the page's CSRF token
 * changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/messages/en.ts';
import { formatIdr } from '../../web/src/lib/format.ts';
import { createCustomer } from '../support/factories.ts';
import { PASSWORD } from '../support/log-in.ts';
import { cookiesSet } from '../support/sign-in.ts';
import { createTestApp } from '../support/test-app.ts';
import { createTestContext } from '../support/test-database.ts';

const ctx = await createTestContext();
const app = await createTestApp(ctx);

const encode = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
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
    async post(url: string, fields: Record<string, string>) {
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
      expect(page.body).toContain(heading);
      expect(page.body).toContain(`aria-label="${en['admin.nav.label']}"`);
    }
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
    expect(audit.body).toContain('account.credit');
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
});
