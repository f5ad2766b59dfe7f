/**
 * The public pages in a real browser (Chromium) and over plain HTTP, against the sandbox catalog: prices
 * rendered on the server, the explorer without JavaScript, the language switch, and every page clean in
 * the console and for axe at phone and desktop sizes.
 */
import { describe, expect, it } from 'vitest';
import { listProducts } from '../../src/catalog/list-products.ts';
import { fromIdrUp } from '../../src/platform/money.ts';
import { getUsdRate } from '../../src/pricing/exchange-rate.ts';
import { recordDeliveryOutcome } from '../../src/providers/delivery-stats.ts';
import { en } from '../../web/src/i18n/messages/en.ts';
import { ru } from '../../web/src/i18n/messages/ru.ts';
import { formatCount, formatDuration, formatIdr, formatRate, formatUsd } from '../../web/src/lib/format.ts';
import {
  assertCleanConsole,
  BROWSER_TESTS,
  expectAccessible,
  launchBrowser,
  openPage,
  screenshot,
  startWebApp,
  VIEWPORTS,
  type ViewportName,
} from '../support/browser.ts';

const INDONESIA = 6;
const WHATSAPP = 1;
const MAX_SCRIPT_BYTES = 100 * 1024;

describe.runIf(BROWSER_TESTS)('public pages', () => {
  let web: Awaited<ReturnType<typeof startWebApp>>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const viewports = Object.keys(VIEWPORTS) as ViewportName[];

  it('starts numpool with the sandbox catalog and a browser', async () => {
    [web, browser] = await Promise.all([startWebApp(), launchBrowser()]);
  });

  it('renders the cheapest price, its stock and its delivery record into the HTML itself', async () => {
    const { items } = await listProducts({
      ctx: web.ctx,
      input: { countryId: INDONESIA, platformId: WHATSAPP, sort: 'price_asc', limit: 10_000 },
    });
    const cheapest = items[0]!;
    // Two delivered orders (30 s to the code) at every provider of the pair: whichever slot is shown.
    for (const providerId of new Set(items.map((p) => p.providerId)))
      for (let i = 0; i < 2; i++)
        await recordDeliveryOutcome({
          ctx: web.ctx,
          input: {
            providerId,
            countryId: INDONESIA,
            platformId: WHATSAPP,
            delivered: true,
            timeToCodeMs: 30_000,
          },
        });
    const { rate } = await getUsdRate({ ctx: web.ctx });

    const response = await fetch(`${web.url}/?service=whatsapp&country=indonesia`, {
      headers: { 'accept-language': 'en' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    // "whatsapp" also finds WhatsApp Business: the WhatsApp row.
    const rows = [...html.matchAll(/<tr data-testid="offer">(.*?)<\/tr>/gs)].map((m) => m[1]!);
    const row = rows.find((r) => /data-testid="offer-service">whatsapp<\/th>/i.test(r)) ?? '';
    expect(row).toContain('Indonesia');
    expect(row).toContain(formatUsd(fromIdrUp(cheapest.price, rate, 2), 'en'));
    expect(row).toContain(formatIdr(cheapest.price, 'en'));
    expect(row).toContain(
      `>${formatCount(
        items.reduce((sum, p) => sum + p.available, 0),
        'en',
      )}<`,
    );
    // (2 + 0.7 × 5) / (2 + 5), the smoothed rate routing uses.
    expect(row).toContain(formatRate(5.5 / 7, 'en'));
    expect(row).toContain(formatDuration(30_000, 'en'));
    expect(html).not.toMatch(/<script/i);
  });

  it('chooses the language from Accept-Language when nothing else says', async () => {
    const html = await (
      await fetch(`${web.url}/`, { headers: { 'accept-language': 'de-DE, ru;q=0.8, en;q=0.5' } })
    ).text();
    expect(html).toContain('<html lang="ru"');
    expect(html).toContain(ru['home.title']);
  });

  it('keeps unknown API paths the API’s own 404, not a page', async () => {
    const response = await fetch(`${web.url}/v1/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const page = await fetch(`${web.url}/no-such-page`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain(en['notFound.title']);
  });

  for (const viewport of viewports) {
    it(`serves / with under 100 KB of script, a clean console and no serious axe finding (${viewport})`, async () => {
      const visit = await openPage(browser, viewport);
      try {
        await visit.page.goto(`${web.url}/`, { waitUntil: 'load' });
        await expect.poll(() => visit.page.locator('[data-testid="offer"]').count()).toBeGreaterThan(0);
        expect(await visit.page.locator('h1').textContent()).toBe(en['home.title']);
        expect(await visit.page.getByTestId('pool-status').textContent()).toBe(en['status.up']);
        expect(await visit.scriptBytes()).toBeLessThan(MAX_SCRIPT_BYTES);
        // Nothing wider than the screen but the offers table, which scrolls in its own region.
        const overflow = await visit.page.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        );
        expect(overflow).toBeLessThanOrEqual(0);
        await expectAccessible(visit.page);
        await screenshot(visit.page, `home-${viewport}`);
        assertCleanConsole(visit);
      } finally {
        await visit.close();
      }
    });

    it(`searches the explorer with JavaScript off (${viewport})`, async () => {
      const visit = await openPage(browser, viewport, { javaScriptEnabled: false });
      try {
        await visit.page.goto(`${web.url}/`);
        await visit.page.getByRole('searchbox', { name: en['explorer.service'] }).fill('telegram');
        await visit.page.getByRole('searchbox', { name: en['explorer.country'] }).fill('ID');
        await Promise.all([
          visit.page.waitForURL(/service=telegram/),
          visit.page.getByRole('button', { name: en['explorer.search'] }).click(),
        ]);
        const services = await visit.page.getByTestId('offer-service').allTextContents();
        const countries = await visit.page.getByTestId('offer-country').allTextContents();
        expect(services.length).toBeGreaterThan(0);
        for (const service of services) expect(service).toMatch(/telegram/i);
        for (const country of countries) expect(country).toContain('Indonesia');
        expect(await visit.page.getByRole('searchbox', { name: en['explorer.service'] }).inputValue()).toBe(
          'telegram',
        );
        await screenshot(visit.page, `home-search-${viewport}`);
        assertCleanConsole(visit);
      } finally {
        await visit.close();
      }
    });

    it(`switches language and remembers it (${viewport})`, async () => {
      const visit = await openPage(browser, viewport);
      try {
        await visit.page.goto(`${web.url}/?service=whatsapp`);
        await visit.page.getByRole('link', { name: 'Русский' }).click();
        await expect.poll(() => visit.page.locator('h1').textContent()).toBe(ru['home.title']);
        expect(await visit.page.locator('html').getAttribute('lang')).toBe('ru');
        // The search survives the switch.
        expect(await visit.page.getByRole('searchbox', { name: ru['explorer.service'] }).inputValue()).toBe(
          'whatsapp',
        );
        await visit.page.goto(`${web.url}/guides/handler-api`);
        expect(await visit.page.locator('h1').textContent()).toBe(ru['guide.title']);
        await expectAccessible(visit.page);
        await screenshot(visit.page, `handler-guide-ru-${viewport}`);
        await visit.page.getByRole('link', { name: 'English' }).click();
        await expect.poll(() => visit.page.locator('h1').textContent()).toBe(en['guide.title']);
        assertCleanConsole(visit);
      } finally {
        await visit.close();
      }
    });
  }

  it('shows handler clients the base URL to use', async () => {
    const visit = await openPage(browser, 'desktop');
    try {
      await visit.page.goto(`${web.url}/guides/handler-api`);
      expect(await visit.page.getByTestId('handler-url').textContent()).toBe(
        `${web.ctx.config.publicUrl}/stubs/handler_api.php`,
      );
      await expectAccessible(visit.page);
      assertCleanConsole(visit);
    } finally {
      await visit.close();
    }
  });

  it('answers an unknown page with an accessible 404 page', async () => {
    const visit = await openPage(browser, 'phone');
    try {
      const response = await visit.page.goto(`${web.url}/no-such-page`);
      expect(response?.status()).toBe(404);
      expect(await visit.page.locator('h1').textContent()).toBe(en['notFound.title']);
      await expectAccessible(visit.page);
      // The browser reports the document's own 404 status; nothing else may go wrong.
      expect(
        visit.errors.filter((e) => !e.includes('status of 404') || !e.includes('/no-such-page')),
      ).toEqual([]);
    } finally {
      await visit.close();
    }
  });
});
