/**
 * Buying a number in a real browser (Chromium) against the sandbox providers: log in, walk the buy
 * steps, see the SMS code appear on the order page without a reload, finish; a double-clicked confirm
 * buys once, and cancelling that order refunds it. Phone and desktop sizes, axe-clean, a clean console.
 */
import { describe, expect, it } from 'vitest';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { en } from '../../web/src/i18n/messages/en.ts';
import { deliverSms } from '../orders/order-fixture.ts';
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

const INDONESIA = 6;
const WHATSAPP = 1;

describe.runIf(BROWSER_TESTS)('buy flow in the browser', () => {
  let web: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let buyer: Awaited<ReturnType<typeof createCustomer>>;

  const orderIds = async (): Promise<number[]> => {
    const response = await fetch(`${web.url}/v2/orders?limit=100`, {
      headers: { authorization: `Bearer ${buyer.apiKey}` },
    });
    return ((await response.json()) as { data: { id: number }[] }).data.map((o) => o.id);
  };
  const balance = async () =>
    (await getBalance({ ctx: web.ctx, input: { accountId: buyer.account.id } })).available;

  async function logIn(visit: PageVisit) {
    await visit.page.goto(`${web.url}/login`);
    await visit.page.getByLabel(en['auth.email']).fill(buyer.account.email);
    await visit.page.getByLabel(en['auth.password']).fill(PASSWORD);
    await Promise.all([
      visit.page.waitForURL(/\/orders$/),
      visit.page.getByRole('button', { name: en['auth.login.submit'] }).click(),
    ]);
  }

  /** From the offers of WhatsApp in Indonesia to the confirm step of the cheapest. */
  async function chooseCheapestOffer(visit: PageVisit) {
    await visit.page.getByRole('link', { name: en['orders.buy.choose'] }).first().click();
    await visit.page.waitForURL(/operator=.+&price=\d+/);
    expect(await visit.page.locator('h2').textContent()).toBe(en['orders.buy.confirm.title']);
  }

  /** Buys the cheapest offer of WhatsApp in Indonesia with one click; the order page's order id. */
  async function buyCheapestOffer(visit: PageVisit): Promise<number> {
    await visit.page.goto(`${web.url}/buy?service=${WHATSAPP}&country=${INDONESIA}`);
    await chooseCheapestOffer(visit);
    await Promise.all([
      visit.page.waitForURL(/\/orders\/\d+\?placed=1$/),
      visit.page.getByTestId('confirm-buy').click(),
    ]);
    return Number(/\/orders\/(\d+)/.exec(visit.page.url())![1]);
  }

  it('starts numpool with the sandbox catalog, a browser and a funded customer', async () => {
    [web, browser] = await Promise.all([startWebApp({ NUMPOOL_MIN_CANCEL_SECONDS: '0' }), launchBrowser()]);
    buyer = await createCustomer(web.ctx, { balance: 5_000_000 });
  });

  it('buys a number, shows its code live, and finishes it (phone)', async () => {
    const visit = await openPage(browser, 'phone');
    try {
      await logIn(visit);
      const { page } = visit;
      await page.goto(`${web.url}/buy`);
      await page.getByRole('searchbox', { name: en['orders.buy.service.search'] }).fill('whatsapp');
      await Promise.all([
        page.waitForURL(/q=whatsapp/),
        page.getByRole('button', { name: en['orders.buy.search'] }).click(),
      ]);
      await expectAccessible(page);
      await screenshot(page, 'buy-flow-1-service-phone');
      await page.locator(`a[href="/buy?service=${WHATSAPP}"]`).click();
      await page.waitForURL(new RegExp(`service=${WHATSAPP}$`));
      await screenshot(page, 'buy-flow-2-country-phone');
      await page.locator(`a[href="/buy?service=${WHATSAPP}&country=${INDONESIA}"]`).click();
      await page.waitForURL(/country=\d+$/);
      await screenshot(page, 'buy-flow-3-offer-phone');
      await chooseCheapestOffer(visit);
      await expectAccessible(page);
      await screenshot(page, 'buy-flow-4-confirm-phone');

      await Promise.all([
        page.waitForURL(/\/orders\/\d+\?placed=1$/),
        page.getByTestId('confirm-buy').click(),
      ]);
      const id = Number(/\/orders\/(\d+)/.exec(page.url())![1]);
      expect(await page.getByTestId('phone-number').textContent()).toMatch(/^\+\d{8,15}$/);
      await expect.poll(() => page.locator('[data-countdown]').textContent()).toMatch(/left$/);
      await expectAccessible(page);
      await screenshot(page, 'buy-flow-5-order-phone');

      // Marks this document: a reload would lose the mark.
      await page.evaluate('window.kept = true');
      await deliverSms(web, id, { code: '583920', text: 'Your WhatsApp code is 583920' });
      await expect
        .poll(() => page.getByTestId('otp-code').first().textContent(), { timeout: 15_000 })
        .toBe('583920');
      expect(await page.evaluate('window.kept')).toBe(true);
      expect(await page.getByTestId('order-status').textContent()).toBe(en['orders.status.OTP_RECEIVED']);
      await expect.poll(() => page.getByTestId('order-finish').isVisible()).toBe(true);
      expect(await page.getByTestId('order-cancel').isVisible()).toBe(false);
      await screenshot(page, 'buy-flow-6-code-phone');

      await Promise.all([page.waitForURL(/done=finish$/), page.getByTestId('order-finish').click()]);
      expect(await page.getByTestId('order-status').textContent()).toBe(en['orders.status.COMPLETED']);
      assertCleanConsole(visit);
    } finally {
      await visit.close();
    }
  });

  it('buys once for a double-clicked confirm, and refunds the order cancelled (desktop)', async () => {
    const visit = await openPage(browser, 'desktop');
    try {
      await logIn(visit);
      const { page } = visit;
      await page.goto(`${web.url}/buy?service=${WHATSAPP}&country=${INDONESIA}`);
      await expectAccessible(page);
      await screenshot(page, 'buy-flow-3-offer-desktop');
      await chooseCheapestOffer(visit);
      await screenshot(page, 'buy-flow-4-confirm-desktop');
      const before = { ids: await orderIds(), balance: await balance() };
      const confirmUrl = page.url();
      const fields: Record<string, string> = {};
      for (const input of await page.locator('form.confirm-form input[type="hidden"]').all())
        fields[(await input.getAttribute('name'))!] = await input.inputValue();

      // The second click may abort the first click's navigation (and a waitForURL bound to it): what
      // counts is where the page ends up.
      await page.getByTestId('confirm-buy').dblclick();
      await expect.poll(() => page.url()).toMatch(/\/orders\/\d+\?placed=1$/);
      await page.waitForLoadState('load');
      const id = Number(/\/orders\/(\d+)/.exec(page.url())![1]);
      expect(await orderIds()).toEqual([id, ...before.ids]);
      // The same form posted again (a reload's re-post, a click Chromium did not fold) lands on that order.
      const again = await visit.context.request.post(confirmUrl, {
        form: fields,
        headers: { origin: web.url },
        maxRedirects: 0,
      });
      expect(again.status()).toBe(303);
      expect(again.headers().location).toBe(`/orders/${id}?placed=1`);
      expect(await orderIds()).toEqual([id, ...before.ids]);
      expect(await balance()).toBeLessThan(before.balance);
      await expectAccessible(page);
      await screenshot(page, 'buy-flow-5-order-desktop');

      await Promise.all([page.waitForURL(/done=cancel$/), page.getByTestId('order-cancel').click()]);
      expect(await page.getByTestId('order-status').textContent()).toBe(en['orders.status.CANCELED']);
      expect(await balance()).toBe(before.balance);
      await screenshot(page, 'buy-flow-7-cancelled-desktop');
      await page.goto(`${web.url}/orders`);
      expect(await page.locator(`[data-order-row="${id}"]`).count()).toBe(1);
      await expectAccessible(page);
      await screenshot(page, 'buy-flow-8-orders-desktop');
      assertCleanConsole(visit);
    } finally {
      await visit.close();
    }
  });

  it('keeps the code and the finish button when its first read of the order answers after the SMS (desktop)', async () => {
    const visit = await openPage(browser, 'desktop');
    try {
      await logIn(visit);
      const { page } = visit;
      // The order page's first read of the order is answered as the order was then, but only once the
      // SMS has been shown: a slow answer overtaken by the stream.
      let answerFirstRead!: () => void;
      const firstReadHeld = new Promise<void>((resolve) => {
        answerFirstRead = resolve;
      });
      let reads = 0;
      await page.route('**/v2/orders/*', async (route) => {
        reads++;
        const response = await route.fetch();
        if (reads === 1) await firstReadHeld;
        await route.fulfill({ response });
      });
      const id = await buyCheapestOffer(visit);
      await expect.poll(() => reads).toBe(1);

      await deliverSms(web, id, { code: '314159', text: 'Your WhatsApp code is 314159' });
      await expect.poll(() => page.getByTestId('otp-code').first().textContent()).toBe('314159');
      await expect.poll(() => page.getByTestId('order-finish').isVisible()).toBe(true);
      answerFirstRead();
      await expect.poll(() => page.locator('[data-order]').getAttribute('data-reads')).toBe('1');

      expect(await page.getByTestId('order-status').textContent()).toBe(en['orders.status.OTP_RECEIVED']);
      expect(await page.getByTestId('otp-code').count()).toBe(1);
      expect(await page.getByTestId('order-finish').isVisible()).toBe(true);
      await Promise.all([page.waitForURL(/done=finish$/), page.getByTestId('order-finish').click()]);
      expect(await page.getByTestId('order-status').textContent()).toBe(en['orders.status.COMPLETED']);
      assertCleanConsole(visit);
    } finally {
      await visit.close();
    }
  });

  it('buys and reads the code with JavaScript off: the time as text, a refresh link (phone)', async () => {
    const visit = await openPage(browser, 'phone', { javaScriptEnabled: false });
    try {
      await logIn(visit);
      const { page } = visit;
      const id = await buyCheapestOffer(visit);
      expect(await page.getByRole('button', { name: en['orders.order.copy'] }).count()).toBe(0);
      expect(await page.locator('time').first().textContent()).toMatch(/UTC$/);
      await deliverSms(web, id, { code: '204571' });
      await Promise.all([
        page.waitForURL(new RegExp(`/orders/${id}$`)),
        page.getByRole('link', { name: en['state.refresh'] }).click(),
      ]);
      expect(await page.getByTestId('otp-code').textContent()).toBe('204571');
      await screenshot(page, 'buy-flow-6-code-nojs-phone');
      assertCleanConsole(visit);
    } finally {
      await visit.close();
    }
  });
});
