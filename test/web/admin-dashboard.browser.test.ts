/**
 * The operators' pages in a real browser (Chromium) against the sandbox catalog: with a few orders placed
 * and two codes received, an admin logs in through the form and the dashboard draws its charts from them;
 * every admin page is clean in the console and for axe, and a customer opening /admin gets the 403 page.
 */
import { describe, expect, it } from 'vitest';
import { listProducts } from '../../src/catalog/list-products.ts';
import { ingestSms } from '../../src/orders/ingest-sms.ts';
import { en } from '../../web/src/i18n/messages/en.ts';
import {
  assertCleanConsole,
  BROWSER_TESTS,
  expectAccessible,
  launchBrowser,
  openPage,
  type PageVisit,
  screenshot,
  startWebApp,
} from '../support/browser.ts';
import { createCustomer } from '../support/factories.ts';
import { PASSWORD } from '../support/log-in.ts';
import { sdkHeaders } from '../support/test-app.ts';
import { waitUntil } from '../support/wait.ts';

const INDONESIA = 6;
const WHATSAPP = 1;

describe.runIf(BROWSER_TESTS)('admin pages in a browser', () => {
  let web: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let adminEmail: string;
  let customerEmail: string;
  let someOrderId: number;
  let customerId: number;

  async function logIn(visit: PageVisit, email: string, next: string) {
    await visit.page.goto(`${web.url}/login?next=${encodeURIComponent(next)}`);
    await visit.page.getByLabel(en['auth.email']).fill(email);
    await visit.page.getByLabel(en['auth.password']).fill(PASSWORD);
    await Promise.all([
      visit.page.waitForURL((url) => url.pathname === next),
      visit.page.getByRole('button', { name: en['auth.login.submit'] }).click(),
    ]);
  }

  it('starts numpool with the sandbox catalog, places orders, and two of them get their code', async () => {
    [web, browser] = await Promise.all([startWebApp(), launchBrowser()]);
    const [admin, customer] = await Promise.all([
      createCustomer(web.ctx, { role: 'admin' }),
      createCustomer(web.ctx, { balance: 1_000_000 }),
    ]);
    adminEmail = admin.account.email;
    customerEmail = customer.account.email;
    customerId = customer.account.id;
    const { items } = await listProducts({
      ctx: web.ctx,
      input: { countryId: INDONESIA, platformId: WHATSAPP, sort: 'price_asc', limit: 1 },
    });
    const created = await web.app.inject({
      method: 'POST',
      url: '/v2/orders/create',
      headers: sdkHeaders(customer.apiKey),
      payload: JSON.stringify({ catalog_product_id: items[0]!.catalogProductId, quantity: 4 }),
    });
    expect(created.statusCode, created.body).toBe(200);
    const rented = await waitUntil(async () => {
      const { rows } = await web.ctx.db.query<{ id: number; provider_id: number; provider_ref: string }>(
        `SELECT id, provider_id, provider_ref FROM orders WHERE account_id = $1 AND status = 'ACTIVE'
         AND provider_ref IS NOT NULL ORDER BY id`,
        [customer.account.id],
      );
      return rows.length === 4 ? rows : undefined;
    });
    for (const order of rented.slice(0, 2))
      expect(
        await ingestSms({
          ctx: web.ctx,
          input: {
            providerId: order.provider_id,
            providerRef: order.provider_ref,
            text: 'Your code is 482913',
          },
        }),
      ).toBe('accepted');
    someOrderId = rented[0]!.id;
    const finished = await web.app.inject({
      method: 'POST',
      url: '/v2/orders/finish',
      headers: sdkHeaders(customer.apiKey),
      payload: JSON.stringify({ id: someOrderId }),
    });
    expect(finished.statusCode, finished.body).toBe(200);
  });

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`shows an admin the dashboard's charts, drawn from the orders (${viewport})`, async () => {
      const visit = await openPage(browser, viewport);
      try {
        await logIn(visit, adminEmail, '/admin');
        const page = visit.page;
        expect(await page.locator('h1').textContent()).toBe(en['admin.dashboard.title']);
        const charts = page.locator('figure.chart svg[role="img"]');
        expect(await charts.count()).toBeGreaterThanOrEqual(5);
        const perMinute = page.getByTestId('chart-orders-per-minute');
        const orderBars = await perMinute
          .locator('rect.bar')
          .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('data-value'))));
        expect(orderBars.reduce((sum, n) => sum + n, 0)).toBe(4);
        expect(
          await page.getByTestId('chart-revenue-margin').locator('rect.bar[data-value]').count(),
        ).toBeGreaterThan(0);
        const rates = await page
          .getByTestId('chart-delivery-rate')
          .locator('rect.bar')
          .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('data-value'))));
        // Two orders ended with a code and none without: 100 % wherever an order ended.
        expect(rates).toContain(1);
        expect(await page.getByTestId('chart-time-to-code').locator('rect.bar').count()).toBeGreaterThan(0);
        expect(await page.getByTestId('chart-provider-latency').locator('rect.bar').count()).toBeGreaterThan(
          0,
        );
        expect(await page.getByRole('img', { name: en['admin.dashboard.ordersPerMinute'] }).count()).toBe(1);
        expect(await page.getByTestId('provider-health').locator('tbody tr').count()).toBeGreaterThan(0);
        const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
        expect(overflow).toBeLessThanOrEqual(0);
        await expectAccessible(page);
        await screenshot(page, viewport === 'desktop' ? 'admin-dashboard' : 'admin-dashboard-phone');
        assertCleanConsole(visit);
      } finally {
        await visit.close();
      }
    });
  }

  it('opens every other admin page, accessible and clean in the console', async () => {
    const visit = await openPage(browser, 'desktop');
    try {
      await logIn(visit, adminEmail, '/admin/providers');
      const pages = [
        ['/admin/providers', 'admin-providers', en['admin.providers.title']],
        ['/admin/accounts', 'admin-accounts', en['admin.accounts.title']],
        [`/admin/accounts/${customerId}`, 'admin-account', customerEmail],
        ['/admin/orders', 'admin-orders', en['admin.orders.title']],
        [`/admin/orders/${someOrderId}`, 'admin-order', String(someOrderId)],
        ['/admin/payments', 'admin-payments', en['admin.payments.title']],
        ['/admin/audit', 'admin-audit', en['admin.audit.title']],
      ] as const;
      for (const [path, name, heading] of pages) {
        const response = await visit.page.goto(`${web.url}${path}`);
        expect(response?.status(), path).toBe(200);
        expect(await visit.page.locator('h1').textContent()).toContain(heading);
        await expectAccessible(visit.page);
        await screenshot(visit.page, name);
      }
      expect(await visit.page.getByTestId('audit').locator('tbody tr').count()).toBeGreaterThan(0);

      // A completed order refunded from its page: the form posts, the page comes back saying so.
      await visit.page.goto(`${web.url}/admin/orders/${someOrderId}`);
      await visit.page.getByLabel(en['admin.account.reason']).fill('code did not work');
      await Promise.all([
        visit.page.waitForURL(/notice=refunded/),
        visit.page.getByRole('button', { name: /^Refund / }).click(),
      ]);
      expect(await visit.page.getByRole('status').textContent()).toMatch(/^The order is refunded/);
      expect(await visit.page.getByTestId('refund').textContent()).toContain('code did not work');
      assertCleanConsole(visit);
    } finally {
      await visit.close();
    }
  });

  it('gives a customer who opens /admin the 403 page', async () => {
    const visit = await openPage(browser, 'phone');
    try {
      await logIn(visit, customerEmail, '/');
      const response = await visit.page.goto(`${web.url}/admin`);
      expect(response?.status()).toBe(403);
      expect(await visit.page.locator('h1').textContent()).toBe(en['forbidden.title']);
      expect(await visit.page.getByRole('navigation', { name: en['admin.nav.label'] }).count()).toBe(0);
      await expectAccessible(visit.page);
      // The browser reports the document's own 403 status; nothing else may go wrong.
      expect(visit.errors.filter((e) => !e.includes('status of 403'))).toEqual([]);
    } finally {
      await visit.close();
    }
  });
});
