/**
 * The ordering pages over plain HTTP (form posts, no script), against the sandbox providers: the buy
 * steps render on the server, the confirm form places one order however often it is posted, the order
 * page shows the number and the actions its flags allow and runs them, another account's order is the
 * 404 page, and the CSV export escapes what it must.
 */
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/messages/en.ts';
import { ru } from '../../web/src/i18n/messages/ru.ts';
import { formatPrice } from '../../web/src/lib/order-format.ts';
import { customer, deliverSms, ledgerViolations, orderWorld, WHATSAPP } from '../orders/order-fixture.ts';
import { PASSWORD } from '../support/log-in.ts';
import { cookiesSet } from '../support/sign-in.ts';

const world = await orderWorld({ NUMPOOL_MIN_CANCEL_SECONDS: '120' });
const { app } = world;
const INDONESIA = 6;

// Browsers send Origin with every form post; Astro refuses one from another site.
const FORM = { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' };

/** A browser: keeps the cookies pages set, posts forms the way a page does. */
function browser() {
  const jar = new Map<string, string>();
  const absorb = (response: LightMyRequestResponse) => {
    for (const pair of cookiesSet(response.headers['set-cookie'])) {
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  return {
    get: async (url: string) =>
      absorb(await app.inject({ method: 'GET', url, headers: { cookie: cookie() } })),
    post: async (url: string, fields: Record<string, string>) =>
      absorb(
        await app.inject({
          method: 'POST',
          url,
          headers: { ...FORM, cookie: cookie() },
          payload: new URLSearchParams(fields).toString(),
        }),
      ),
  };
}

async function signedIn(balance = 1_000_000) {
  const buyer = await customer(world, balance);
  const visitor = browser();
  const login = await visitor.post('/login', { email: buyer.account.email, password: PASSWORD });
  expect(login.statusCode, login.body).toBe(303);
  return { ...buyer, visitor };
}

/** The hidden fields of the form whose submit button has this test id (or the first post form). */
function formFields(html: string, testid?: string): Record<string, string> {
  const forms = [...html.matchAll(/<form method="post"[^>]*>(.*?)<\/form>/gs)].map((m) => m[1]!);
  const body = testid ? forms.find((f) => f.includes(`data-testid="${testid}"`)) : forms[0];
  if (!body) throw new Error(`no form ${testid ?? ''}`);
  return Object.fromEntries(
    [...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
  );
}

const decode = (href: string) => href.replaceAll('&amp;', '&');

/** Service → country → offer → confirm, as links; returns the confirm page. */
async function walkToConfirm(visitor: ReturnType<typeof browser>) {
  const search = await visitor.get('/buy?q=whatsapp');
  expect(search.statusCode).toBe(200);
  expect(search.body).toContain(`href="/buy?service=${WHATSAPP}"`);
  const countries = await visitor.get(`/buy?service=${WHATSAPP}`);
  expect(countries.body).toContain(`href="/buy?service=${WHATSAPP}&amp;country=${INDONESIA}"`);
  const offers = await visitor.get(`/buy?service=${WHATSAPP}&country=${INDONESIA}`);
  const choice = /href="(\/buy\?service=\d+&amp;country=\d+&amp;operator=[^"&]+&amp;price=\d+)"/.exec(
    offers.body,
  );
  expect(choice, 'an offer to choose').not.toBeNull();
  const confirmUrl = decode(choice![1]!);
  const confirm = await visitor.get(confirmUrl);
  expect(confirm.statusCode).toBe(200);
  return { confirmUrl, confirm, price: Number(new URL(confirmUrl, 'http://x').searchParams.get('price')) };
}

const orderIdOf = (location: unknown) => Number(/^\/orders\/(\d+)\?placed=1$/.exec(String(location))?.[1]);

describe('ordering pages', () => {
  it('sends a visitor who is not signed in to the login page, and back after', async () => {
    for (const url of ['/buy?service=1', '/orders', '/orders/1', '/orders/export.csv']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(303);
      expect(response.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
  });

  it('speaks Russian when asked', async () => {
    const buyer = await signedIn();
    const page = await buyer.visitor.get(`/buy?service=${WHATSAPP}&country=${INDONESIA}&lang=ru`);
    expect(page.body).toMatch(new RegExp(`<h1[^>]*>${ru['orders.buy.title']}</h1>`));
    expect(page.body).toContain(ru['orders.buy.choose']);
  });

  it('walks the buy steps on the server and places one order for a form posted twice', async () => {
    const buyer = await signedIn();
    const before = await buyer.balance();
    const { confirmUrl, confirm, price } = await walkToConfirm(buyer.visitor);
    const fields = formFields(confirm.body, 'confirm-buy');
    expect(fields.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(fields._csrf).toBeTruthy();

    const first = await buyer.visitor.post(confirmUrl, fields);
    expect(first.statusCode, first.body).toBe(303);
    const id = orderIdOf(first.headers.location);
    expect(id).toBeGreaterThan(0);
    const again = await buyer.visitor.post(confirmUrl, fields);
    expect(again.statusCode).toBe(303);
    expect(orderIdOf(again.headers.location)).toBe(id);

    const orders = (await buyer.call('GET', '/v2/orders')).json().data;
    expect(orders.map((o: { id: number }) => o.id)).toEqual([id]);
    // Charged once, at most the price confirmed.
    expect(orders[0].amount.canonical_amount).toBeLessThanOrEqual(price);
    expect(await buyer.balance()).toBe(before - orders[0].amount.canonical_amount);
    expect(await ledgerViolations(world)).toEqual([]);

    // A new confirm page has a new key: a second purchase, once for two posts at the same moment (the
    // later one waits for the first's answer).
    const second = await buyer.visitor.get(confirmUrl);
    const secondFields = formFields(second.body, 'confirm-buy');
    expect(secondFields.idempotency_key).not.toBe(fields.idempotency_key);
    const both = await Promise.all([
      buyer.visitor.post(confirmUrl, secondFields),
      buyer.visitor.post(confirmUrl, secondFields),
    ]);
    const secondId = orderIdOf(both[0].headers.location);
    expect(secondId).not.toBe(id);
    expect(orderIdOf(both[1].headers.location)).toBe(secondId);
    expect((await buyer.call('GET', '/v2/orders')).json().data).toHaveLength(2);
    expect(await ledgerViolations(world)).toEqual([]);
  });

  it('shows the price on the confirm step and says why an order was refused', async () => {
    const poor = await signedIn(0);
    const { confirmUrl, confirm } = await walkToConfirm(poor.visitor);
    const shown = /data-testid="confirm-price"[^>]*>\s*<strong[^>]*>([^<]+)<\/strong>/.exec(
      confirm.body,
    )?.[1];
    const products = (
      await poor.call('GET', `/v2/catalog/products?platform_id=${WHATSAPP}&country_id=${INDONESIA}`)
    ).json().data as { price: { amount: string; canonical_amount: number } }[];
    const chosen = products.find(
      (p) => p.price.canonical_amount === Number(new URL(confirmUrl, 'http://x').searchParams.get('price')),
    );
    expect(shown).toBe(formatPrice(chosen!.price.amount, 'en'));

    const refused = await poor.visitor.post(confirmUrl, formFields(confirm.body, 'confirm-buy'));
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).toContain(en['error.INSUFFICIENT_BALANCE']);
    expect(refused.body).toContain('href="/topup"');
    expect((await poor.call('GET', '/v2/orders')).json().data).toEqual([]);

    // A limit under every offer: nothing to sell at that price, and the page says so.
    const rich = await signedIn();
    const tooLow = await rich.visitor.get(confirmUrl);
    const cheap = { ...formFields(tooLow.body, 'confirm-buy'), max_price: '0.00000001' };
    const none = await rich.visitor.post(confirmUrl, cheap);
    expect(none.statusCode).toBe(422);
    expect(none.body).toContain(en['error.NO_OFFER_AVAILABLE']);

    // A form without the page's CSRF token places nothing.
    const { _csrf, ...forged } = formFields(confirm.body, 'confirm-buy');
    const noToken = await rich.visitor.post(confirmUrl, forged);
    expect(noToken.statusCode).toBe(403);
    expect((await rich.call('GET', '/v2/orders')).json().data).toEqual([]);
  });

  it('shows the number and the allowed actions, and cancels with a refund through the form', async () => {
    const buyer = await signedIn();
    const before = await buyer.balance();
    const { confirmUrl, confirm } = await walkToConfirm(buyer.visitor);
    const id = orderIdOf(
      (await buyer.visitor.post(confirmUrl, formFields(confirm.body, 'confirm-buy'))).headers.location,
    );
    const order = (await buyer.call('GET', `/v2/orders/${id}`)).json().data;

    const page = await buyer.visitor.get(`/orders/${id}`);
    expect(page.statusCode).toBe(200);
    // A browser sends its form posts' Origin only under a policy that lets it (Astro refuses `null`).
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect(page.body).toContain(`+${order.phone_number}`);
    expect(page.body).toContain(en['orders.status.ACTIVE']);
    // A fresh order may not be cancelled yet: the form is there for the script, hidden.
    expect(page.body).toMatch(/<form[^>]*data-action="cancel"[^>]*hidden/);
    expect(page.body).toMatch(/<form[^>]*data-action="finish"[^>]*hidden/);

    world.clock.advance(121_000);
    const later = await buyer.visitor.get(`/orders/${id}`);
    expect(later.body).toMatch(/<form[^>]*data-action="cancel"(?![^>]*hidden)[^>]*>/);
    const cancelled = await buyer.visitor.post(`/orders/${id}`, formFields(later.body, 'order-cancel'));
    expect(cancelled.statusCode).toBe(303);
    expect(cancelled.headers.location).toBe(`/orders/${id}?done=cancel`);
    const after = await buyer.visitor.get(`/orders/${id}?done=cancel`);
    expect(after.body).toContain(en['orders.order.done.cancel']);
    expect(after.body).toContain(en['orders.status.CANCELED']);
    expect(await buyer.balance()).toBe(before);

    // Cancelling again is refused by the API and said on the page.
    const twice = await buyer.visitor.post(`/orders/${id}`, formFields(later.body, 'order-cancel'));
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('role="alert"');
  });

  it('shows a delivered code and finishes the order through the form', async () => {
    const buyer = await signedIn();
    const { confirmUrl, confirm } = await walkToConfirm(buyer.visitor);
    const id = orderIdOf(
      (await buyer.visitor.post(confirmUrl, formFields(confirm.body, 'confirm-buy'))).headers.location,
    );
    await deliverSms(world, id, { code: '482913', text: 'Your WhatsApp code is 482913' });

    const page = await buyer.visitor.get(`/orders/${id}`);
    expect(page.body).toContain('482913');
    expect(page.body).toContain('Your WhatsApp code is 482913');
    expect(page.body).toMatch(/<form[^>]*data-action="finish"(?![^>]*hidden)[^>]*>/);
    expect(page.body).toMatch(/<form[^>]*data-action="cancel"[^>]*hidden/);

    // Once the resend cooldown is over, another SMS can be asked for: the order waits again, code kept.
    world.clock.advance(31_000);
    const resendable = await buyer.visitor.get(`/orders/${id}`);
    expect(resendable.body).toMatch(/<form[^>]*data-action="resend"(?![^>]*hidden)[^>]*>/);
    const resent = await buyer.visitor.post(`/orders/${id}`, formFields(resendable.body, 'order-resend'));
    expect(resent.headers.location).toBe(`/orders/${id}?done=resend`);
    const waiting = await buyer.visitor.get(`/orders/${id}?done=resend`);
    expect(waiting.body).toContain(en['orders.order.done.resend']);
    expect(waiting.body).toContain(en['orders.status.ACTIVE']);
    expect(waiting.body).toContain('482913');
    await deliverSms(world, id, { code: '771204', text: 'Your WhatsApp code is 771204' });

    const finished = await buyer.visitor.post(`/orders/${id}`, formFields(page.body, 'order-finish'));
    expect(finished.statusCode).toBe(303);
    const after = await buyer.visitor.get(`/orders/${id}?done=finish`);
    expect(after.body).toContain(en['orders.status.COMPLETED']);
    expect((await buyer.call('GET', `/v2/orders/${id}`)).json().data.status).toBe('COMPLETED');
  });

  it("answers another account's order with the 404 page, for reading and for actions", async () => {
    const owner = await signedIn();
    const { confirmUrl, confirm } = await walkToConfirm(owner.visitor);
    const id = orderIdOf(
      (await owner.visitor.post(confirmUrl, formFields(confirm.body, 'confirm-buy'))).headers.location,
    );
    const other = await signedIn();
    const page = await other.visitor.get(`/orders/${id}`);
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain(en['notFound.title']);
    const own = await other.visitor.get('/orders');
    const cancel = await other.visitor.post(`/orders/${id}`, { ...formFields(own.body), action: 'cancel' });
    expect(cancel.statusCode).toBe(404);
    expect((await owner.call('GET', `/v2/orders/${id}`)).json().data.status).toBe('ACTIVE');
    expect((await other.visitor.get('/orders/not-a-number')).statusCode).toBe(404);
  });

  it('lists open orders first and the history by status, and exports it as escaped CSV', async () => {
    const buyer = await signedIn();
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { confirmUrl, confirm } = await walkToConfirm(buyer.visitor);
      ids.push(
        orderIdOf(
          (await buyer.visitor.post(confirmUrl, formFields(confirm.body, 'confirm-buy'))).headers.location,
        ),
      );
    }
    const text = '=1+2, "quoted"\nsecond line';
    await deliverSms(world, ids[0]!, { code: '7731', text });
    await buyer.call('POST', '/v2/orders/finish', { id: ids[0] });

    const list = await buyer.visitor.get('/orders');
    const open = /data-testid="open-orders"[^>]*>(.*?)<\/tbody>/s.exec(list.body)?.[1] ?? '';
    expect(open).toContain(`data-order-row="${ids[1]}"`);
    expect(open).not.toContain(`data-order-row="${ids[0]}"`);
    const completed = await buyer.visitor.get('/orders?status=COMPLETED');
    const history = /data-testid="history-orders"[^>]*>(.*?)<\/tbody>/s.exec(completed.body)?.[1] ?? '';
    expect(history).toContain(`data-order-row="${ids[0]}"`);
    expect(history).not.toContain(`data-order-row="${ids[1]}"`);
    expect(completed.body).toContain('href="/orders/export.csv?status=COMPLETED"');

    const csv = await buyer.visitor.get('/orders/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+\.csv"$/);
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe(
      'id,created_at,status,phone_number,operator,otp_code,otp_message,amount_usd,amount_idr,expires_at,canceled_at,failed_reason',
    );
    expect(lines.filter((l) => /^\d+,/.test(l)).map((l) => Number(l.split(',')[0]))).toEqual([
      ids[1],
      ids[0],
    ]);
    // Quoted for its comma, quotes and line break, and never run as a formula by a spreadsheet.
    expect(csv.body).toContain(`,7731,"'=1+2, ""quoted""\nsecond line",`);

    const onlyCompleted = await buyer.visitor.get('/orders/export.csv?status=COMPLETED');
    expect(onlyCompleted.body.split('\r\n').filter((l) => /^\d+,/.test(l))).toHaveLength(1);
  });
});
