/**
 * A customer's way in, in a real browser (Chromium), once on a phone with JavaScript off and once on a
 * desktop with it on: sign up, follow the link from the mail (over real SMTP), log out and in, turn on
 * two-factor sign-in with a code made from the page's key, and log in again with a code. Every page is
 * clean for axe and in the console.
 */
import { describe, expect, it } from 'vitest';
import { totpCodeAt } from '../../src/accounts/totp/totp.ts';
import { en } from '../../web/src/i18n/messages/en.ts';
import {
  assertCleanConsole,
  BROWSER_TESTS,
  expectAccessible,
  launchBrowser,
  openPage,
  type PageVisit,
  screenshot,
  type ViewportName,
} from '../support/browser.ts';
import { createCustomer, uniqueEmail } from '../support/factories.ts';
import { PASSWORD } from '../support/log-in.ts';
import { linkToken, startSmtpReceiver } from '../support/smtp-receiver.ts';
import { createTestApp } from '../support/test-app.ts';
import { TestClock } from '../support/test-clock.ts';
import { createTestContext } from '../support/test-database.ts';

const PASSPHRASE = 'a passphrase for the browser';
// axe runs in the page, so only where JavaScript is on; the desktop's pages are checked on their own below.
const RUNS: { viewport: ViewportName; javaScriptEnabled: boolean }[] = [
  { viewport: 'phone', javaScriptEnabled: true },
  { viewport: 'desktop', javaScriptEnabled: false },
];

describe.runIf(BROWSER_TESTS)('sign-up, verification and two-factor login in a browser', () => {
  const clock = new TestClock();
  let url: string;
  let ctx: Awaited<ReturnType<typeof createTestContext>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  it('starts numpool with mail going to an SMTP receiver, and a browser', async () => {
    smtp = await startSmtpReceiver();
    ctx = await createTestContext({ SMTP_URL: smtp.url }, { clock });
    const app = await createTestApp(ctx);
    [url, browser] = await Promise.all([app.listen({ port: 0, host: '127.0.0.1' }), launchBrowser()]);
  });

  async function submit(visit: PageVisit, button: string, landsOn: RegExp) {
    await Promise.all([
      visit.page.waitForURL(landsOn),
      visit.page.getByRole('button', { name: button, exact: true }).click(),
    ]);
  }

  async function logIn(visit: PageVisit, email: string, code?: () => string) {
    const { page } = visit;
    await page.goto(`${url}/login?next=%2Faccount`);
    await page.getByLabel(en['auth.email']).fill(email);
    await page.getByLabel(en['auth.password'], { exact: true }).fill(PASSPHRASE);
    if (!code) return submit(visit, en['auth.login.submit'], /\/account$/);
    await page.getByRole('button', { name: en['auth.login.submit'] }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe(en['auth.login.mfa']);
    await page.getByLabel(en['auth.password'], { exact: true }).fill(PASSPHRASE);
    await page.getByLabel(en['auth.login.totp']).fill(code());
    await submit(visit, en['auth.login.submit'], /\/account$/);
  }

  /** The browser reports a document's own error status; the login's second-factor step answers 401. */
  function assertNoOtherErrors(visit: PageVisit) {
    expect(visit.errors.filter((e) => !/status of 401 .*\/login\?next=/.test(e))).toEqual([]);
  }

  const checkPage = async (visit: PageVisit & { javaScriptEnabled: boolean }, screenshotName?: string) => {
    if (visit.javaScriptEnabled) await expectAccessible(visit.page);
    if (screenshotName) await screenshot(visit.page, screenshotName);
  };

  async function logOut(visit: PageVisit) {
    await submit(visit, en['nav.logout'], new RegExp(`^${url}/$`));
    expect(await visit.page.getByRole('link', { name: en['nav.login'] }).count()).toBe(1);
  }

  for (const { viewport, javaScriptEnabled } of RUNS) {
    it(`signs up, verifies, and logs in with a second factor (${viewport}, JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const visit = { ...(await openPage(browser, viewport, { javaScriptEnabled })), javaScriptEnabled };
      const { page } = visit;
      const email = uniqueEmail(viewport);
      try {
        await page.goto(`${url}/signup`);
        await checkPage(visit, `signup-${viewport}`);
        await page.getByLabel(en['auth.email']).fill(email);
        await page.getByLabel(en['auth.password'], { exact: true }).fill(PASSPHRASE);
        await page.getByLabel(en['auth.repeatPassword']).fill(PASSPHRASE);
        await submit(visit, en['auth.signup.submit'], /\/signup\/sent$/);
        expect(await page.locator('h1').textContent()).toBe(en['auth.signup.sentTitle']);

        // The mailed link points at the configured public URL; the same path on this server.
        const token = linkToken((await smtp.waitForMail(email)).text, 'verify-email');
        await page.goto(`${url}/verify-email?token=${token}`);
        await checkPage(visit);
        await submit(visit, en['auth.verify.submit'], /verified=1$/);
        expect(await page.locator('h1').textContent()).toBe(en['auth.verify.doneTitle']);
        await Promise.all([
          page.waitForURL(/\/login\?next=/),
          page.getByRole('main').getByRole('link', { name: en['auth.login.title'] }).click(),
        ]);

        await logIn(visit, email);
        expect(await page.getByTestId('email-state').textContent()).toBe(en['auth.account.verified']);
        // Once is enough to show a plain log-out and log-in; the second run goes straight on.
        if (viewport === 'phone') {
          await logOut(visit);
          await logIn(visit, email);
        }

        await submit(visit, en['auth.twoFactor.setUp'], /\/account$/);
        const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
        await expect
          .poll(() => page.getByRole('img', { name: en['auth.twoFactor.qrLabel'] }).count())
          .toBe(1);
        await checkPage(visit, viewport === 'phone' ? 'account-two-factor-setup-phone' : undefined);
        await page.getByLabel(en['auth.twoFactor.code']).fill(totpCodeAt(secret, clock.now()));
        await submit(visit, en['auth.twoFactor.enable'], /\/account$/);
        expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
        await page.getByRole('link', { name: en['auth.twoFactor.recoveryDone'] }).click();
        await expect
          .poll(() => page.getByTestId('two-factor-state').textContent())
          .toBe(en['auth.twoFactor.on']);
        await checkPage(visit, `account-${viewport}`);

        await logOut(visit);
        // A code is good once: the next one comes with the next 30-second step.
        clock.advance(30_000);
        await logIn(visit, email, () => totpCodeAt(secret, clock.now()));
        expect(await page.getByTestId('two-factor-state').textContent()).toBe(en['auth.twoFactor.on']);
        assertNoOtherErrors(visit);
      } finally {
        await visit.close();
      }
    });
  }

  it('keeps the desktop pages clean for axe: sign-up, password reset and the account page', async () => {
    const { account } = await createCustomer(ctx);
    const visit = await openPage(browser, 'desktop');
    try {
      for (const path of ['/signup', '/password-reset']) {
        await visit.page.goto(`${url}${path}`);
        await expectAccessible(visit.page);
      }
      await visit.page.goto(`${url}/login?next=%2Faccount`);
      await visit.page.getByLabel(en['auth.email']).fill(account.email);
      await visit.page.getByLabel(en['auth.password'], { exact: true }).fill(PASSWORD);
      await submit(visit, en['auth.login.submit'], /\/account$/);
      await expectAccessible(visit.page);
      assertCleanConsole(visit);
    } finally {
      await visit.close();
    }
  });
});
