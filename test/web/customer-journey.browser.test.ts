/**
 * One customer's whole first visit, in a real browser (Chromium, desktop), against numpool with the
 * sandbox's simulated providers and gateways, real SMTP and its jobs: sign up → confirm the address from
 * the mail → log in → top up at the simulated Stripe checkout → the top-up turns paid without a reload →
 * buy a number with that money → the code appears on the order page without a reload → finish. The
 * balance then shows the top-up less the price, and the ledger is clean.
 */
import { describe, expect, it } from 'vitest';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { startSandboxProviders } from '../../src/sandbox/start-sandbox-providers.ts';
import { en } from '../../web/src/i18n/messages/en.ts';
import { deliverSms } from '../orders/order-fixture.ts';
import { startPaymentsApp } from '../payments/topup-fixture.ts';
import {
  assertCleanConsole,
  BROWSER_TESTS,
  launchBrowser,
  openPage,
  type PageVisit,
  screenshot,
} from '../support/browser.ts';
import { uniqueEmail } from '../support/factories.ts';
import { linkToken, startSmtpReceiver } from '../support/smtp-receiver.ts';
import { cleanupAfterFile, type createTestContext } from '../support/test-database.ts';

const PASSPHRASE = 'my first numpool passphrase';
const INDONESIA = 6;
const WHATSAPP = 1;

describe.runIf(BROWSER_TESTS)('a customer’s first visit, end to end', () => {
  let url: string;
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let supply: Awaited<ReturnType<typeof startSandboxProviders>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let visit: PageVisit;

  const submit = (button: string | RegExp, landsOn: RegExp | ((u: URL) => boolean)) =>
    Promise.all([visit.page.waitForURL(landsOn), visit.page.getByRole('button', { name: button }).click()]);

  it('starts numpool with simulated providers and gateways, SMTP, its jobs, and a browser', async () => {
    smtp = await startSmtpReceiver();
    ({ ctx, url } = await startPaymentsApp({ SMTP_URL: smtp.url }));
    supply = await startSandboxProviders({
      ctx,
      input: { port: 0, seed: 3, smsDelayMs: 600_000, noSmsRate: 0 },
    });
    cleanupAfterFile(() => supply.simulator.close());
    visit = await openPage(await launchBrowser(), 'desktop');
  });

  it('signs up, confirms the address from the mail, and logs in', async () => {
    const { page } = visit;
    const email = uniqueEmail('journey');
    await page.goto(`${url}/signup`);
    await page.getByLabel(en['auth.email']).fill(email);
    await page.getByLabel(en['auth.password'], { exact: true }).fill(PASSPHRASE);
    await page.getByLabel(en['auth.repeatPassword']).fill(PASSPHRASE);
    await submit(en['auth.signup.submit'], /\/signup\/sent$/);
    const token = linkToken((await smtp.waitForMail(email)).text, 'verify-email');
    await page.goto(`${url}/verify-email?token=${token}`);
    await submit(en['auth.verify.submit'], /verified=1$/);
    await page.goto(`${url}/login?next=%2Ftopup`);
    await page.getByLabel(en['auth.email']).fill(email);
    await page.getByLabel(en['auth.password'], { exact: true }).fill(PASSPHRASE);
    await submit(en['auth.login.submit'], /\/topup$/);
  });

  it('tops up 5.00 USD at the simulated Stripe checkout; the page turns paid by itself', async () => {
    const { page } = visit;
    const stripe = page.getByTestId('topup-form-stripe');
    await stripe.getByLabel(en['billing.topup.amount']).fill('5.00');
    await Promise.all([page.waitForURL(/\/topup\/np-topup-[0-9]+$/), stripe.getByRole('button').click()]);
    const topupPath = new URL(page.url()).pathname;
    await page.evaluate('window.unreloaded = true');
    const checkout = await visit.context.newPage();
    await checkout.goto((await page.getByTestId('pay-link').getAttribute('href'))!);
    await Promise.all([
      checkout.waitForURL((u) => u.pathname === topupPath),
      checkout.getByRole('button', { name: /Pay 5\.00 USD/ }).click(),
    ]);
    await checkout.close();
    await expect
      .poll(() => page.getByTestId('topup-status').textContent(), { timeout: 20_000 })
      .toBe(en['billing.status.credited']);
    expect(await page.evaluate('window.unreloaded')).toBe(true);
  });

  it('buys a number with that money, sees the code arrive live, and finishes', async () => {
    const { page } = visit;
    await page.goto(`${url}/buy?service=${WHATSAPP}&country=${INDONESIA}`);
    await page.getByRole('link', { name: en['orders.buy.choose'] }).first().click();
    await page.waitForURL(/operator=.+&price=\d+/);
    await Promise.all([page.waitForURL(/\/orders\/\d+\?placed=1$/), page.getByTestId('confirm-buy').click()]);
    const id = Number(/\/orders\/(\d+)/.exec(page.url())![1]);
    await page.evaluate('window.unreloaded = true');
    await deliverSms({ ctx, supply }, id, { code: '271828', text: 'Your WhatsApp code is 271828' });
    await expect
      .poll(() => page.getByTestId('otp-code').first().textContent(), { timeout: 15_000 })
      .toBe('271828');
    expect(await page.evaluate('window.unreloaded')).toBe(true);
    await screenshot(page, 'journey-code-arrived');
    await Promise.all([page.waitForURL(/done=finish$/), page.getByTestId('order-finish').click()]);
    expect(await page.getByTestId('order-status').textContent()).toBe(en['orders.status.COMPLETED']);

    const order = await ctx.db.query<{ account_id: number; amount: number }>(
      'SELECT account_id, amount::int FROM orders WHERE id = $1',
      [id],
    );
    const { account_id: accountId, amount } = order.rows[0]!;
    expect((await getBalance({ ctx, input: { accountId } })).available).toBe(80_000 - amount);
    expect(await checkLedger({ ctx })).toEqual([]);
    assertCleanConsole(visit);
  });
});
