/**
 * A top-up in a real browser (Chromium) against the simulated gateways: the customer picks Stripe and an
 * amount, pays on the simulator's checkout page in another tab, and the top-up's page turns to paid
 * without being reloaded; the balance page then shows the rise. The billing pages are clean in the
 * console and for axe at phone and desktop sizes.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/messages/en.ts';
import { formatIdr } from '../../web/src/lib/format.ts';
import { startPaymentsApp } from '../payments/topup-fixture.ts';
import {
  assertCleanConsole,
  BROWSER_TESTS,
  expectAccessible,
  launchBrowser,
  openPage,
  type PageVisit,
  screenshot,
} from '../support/browser.ts';
import { createCustomer } from '../support/factories.ts';
import { PASSWORD } from '../support/log-in.ts';

describe.runIf(BROWSER_TESTS)('a top-up in the browser', () => {
  let url: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let email: string;
  let desktop: PageVisit;
  let topupPath: string;

  it('starts numpool with the sandbox gateways, its jobs and a browser', async () => {
    const started = await startPaymentsApp();
    url = started.url;
    const { ctx } = started;
    browser = await launchBrowser();
    email = (await createCustomer(ctx)).account.email;
  });

  it('logs in and starts a Stripe top-up of 5.00 USD', async () => {
    desktop = await openPage(browser, 'desktop');
    const { page } = desktop;
    await page.goto(`${url}/login?next=%2Ftopup`);
    await page.getByLabel(en['auth.email']).fill(email);
    await page.getByLabel(en['auth.password']).fill(PASSWORD);
    await Promise.all([
      page.waitForURL(/\/topup$/),
      page.getByRole('button', { name: en['auth.login.submit'] }).click(),
    ]);
    await expectAccessible(page);
    await screenshot(page, 'topup-choose');

    const stripe = page.getByTestId('topup-form-stripe');
    await stripe.getByLabel(en['billing.topup.amount']).fill('5.00');
    await Promise.all([page.waitForURL(/\/topup\/np-topup-[0-9]+$/), stripe.getByRole('button').click()]);
    topupPath = new URL(page.url()).pathname;
    await expect
      .poll(() => page.getByTestId('topup-status').textContent())
      .toBe(en['billing.status.pending']);
    expect(await page.getByTestId('topup-credit').textContent()).toBe(formatIdr(80_000, 'en'));
    await expectAccessible(page);
    await screenshot(page, 'topup-pending');
  });

  it('turns to paid without a reload once paid at the gateway', async () => {
    const { page } = desktop;
    // Marks this document: a reload would lose the mark.
    await page.evaluate('window.unreloaded = true');
    const paymentUrl = await page.getByTestId('pay-link').getAttribute('href');
    const checkout = await desktop.context.newPage();
    await checkout.goto(paymentUrl!);
    await Promise.all([
      checkout.waitForURL((u) => u.pathname === topupPath),
      checkout.getByRole('button', { name: /Pay 5\.00 USD/ }).click(),
    ]);
    await checkout.close();

    await expect
      .poll(() => page.getByTestId('topup-status').textContent(), { timeout: 15_000 })
      .toBe(en['billing.status.credited']);
    expect(await page.evaluate('window.unreloaded')).toBe(true);
    expect(await page.getByTestId('topup-credit').textContent()).toBe(formatIdr(80_000, 'en'));
    await expect.poll(() => page.getByTestId('pay-link').count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'topup-paid');
  });

  it('shows the rise on the balance page, and the keys and webhooks pages, clean (desktop)', async () => {
    const { page } = desktop;
    await page.goto(`${url}/balance`);
    expect(await page.getByTestId('balance').textContent()).toBe(formatIdr(80_000, 'en'));
    expect(await page.locator('tr[data-kind="gateway_deposit"]').count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'balance');

    await page.goto(`${url}/keys`);
    await page.getByLabel(en['billing.keys.name'], { exact: true }).fill('shop bot');
    await page.getByRole('button', { name: en['billing.keys.create'] }).click();
    await expect.poll(() => page.getByTestId('new-key-value').inputValue()).toMatch(/.{20,}/);
    await expectAccessible(page);
    await screenshot(page, 'keys');

    await page.goto(`${url}/webhooks`);
    await expectAccessible(page);
    await screenshot(page, 'webhooks');
    assertCleanConsole(desktop);
    await desktop.close();
  });

  it('renders the same pages at phone size, clean', async () => {
    const phone = await openPage(browser, 'phone');
    try {
      const { page } = phone;
      await page.goto(`${url}/login?next=${encodeURIComponent(topupPath)}`);
      await page.getByLabel(en['auth.email']).fill(email);
      await page.getByLabel(en['auth.password']).fill(PASSWORD);
      await Promise.all([
        page.waitForURL((u) => u.pathname === topupPath),
        page.getByRole('button', { name: en['auth.login.submit'] }).click(),
      ]);
      expect(await page.getByTestId('topup-status').textContent()).toBe(en['billing.status.credited']);
      await expectAccessible(page);
      await screenshot(page, 'topup-paid-phone');
      for (const path of ['/topup', '/balance', '/keys', '/webhooks']) {
        await page.goto(`${url}${path}`);
        await expectAccessible(page);
        await screenshot(page, `${path.slice(1)}-phone`);
      }
      assertCleanConsole(phone);
    } finally {
      await phone.close();
    }
  });
});
