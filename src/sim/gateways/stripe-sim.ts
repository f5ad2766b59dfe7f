/**
 * The Stripe Checkout persona (specs/payments.md §3): `POST /v1/checkout/sessions`,
 * `GET /v1/checkout/sessions` (the list), `GET /v1/checkout/sessions/{id}`, `GET /v1/charges/{id}` and
 * `GET /v1/disputes/{id}` at the root (the official library takes a host, not a path), a small
 * hosted checkout page under `/stripe/checkout/{id}`, and control endpoints under `/control/stripe/` that
 * pay (by card, or `{delayed: true}`: complete but unpaid until `settle {outcome: 'succeeded'|'failed'}`),
 * expire, refund and dispute a session and send the signed events to the configured endpoint. Sessions
 * expand their payment intent (`expand[0]=payment_intent`, `data.payment_intent` in the list). Faults:
 * `down`, `statusDisagrees` (a paid session reads as open), `amountDisagrees` (at half its total).
 *
 * Events are delivered one at a time in the order they were made (so duplicates and out-of-order
 * deliveries are exactly what a test asked for); a non-2xx answer is retried twice, re-signed with a
 * fresh timestamp as Stripe does, then dropped. close() stops pending deliveries.
 *
 * exportState/restoreState carry the sessions with their charges and disputes, the idempotency replies
 * and the webhook endpoint; faults reset on restart, and events not yet delivered at close are dropped.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { json, type Reply, text } from '../http-io.ts';
import type { GatewaySim, GatewaySimRequest } from './gateway-sim.ts';
import { copyOf, isSaved, savedList } from './saved-state.ts';
import { FormError, type FormValue, parseStripeForm } from './stripe-form.ts';

const API_VERSION = '2026-10-28.endive';
const RETRY_DELAYS_MS = [100, 300];
const ATTEMPT_TIMEOUT_MS = 5000;
/** Stripe's signature tolerance is 300 s; a stale signature is comfortably older. */
const STALE_BY_SECONDS = 600;
const MIN_CHARGE: Record<string, number> = { usd: 50 };

type Obj = Record<string, unknown>;

interface SessionObject extends Obj {
  id: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  amount_total: number;
  currency: string;
  payment_intent: string | null;
  success_url: string;
}

interface ChargeObject extends Obj {
  id: string;
  amount: number;
  amount_refunded: number;
  refunded: boolean;
}

interface DisputeObject extends Obj {
  id: string;
  status: string;
}

/** `processing` while a delayed method settles; `requires_payment_method` once it failed. */
interface IntentObject extends Obj {
  id: string;
  status: 'processing' | 'succeeded' | 'requires_payment_method';
}

interface SimSession {
  session: SessionObject;
  paymentIntentMetadata: Record<string, string>;
  /** The session's payment intent once the customer paid (saved states before it had none). */
  intent?: IntentObject | null;
  charge: ChargeObject | null;
  dispute: DisputeObject | null;
}

/** How one event is sent: how many times, and with which signature fault. */
export interface NotifyOptions {
  times?: number;
  badSignature?: boolean;
  outOfOrder?: boolean;
  staleTimestamp?: boolean;
}

interface Delivery {
  event: Obj;
  badSignature: boolean;
  staleTimestamp: boolean;
}

export function stripeSim(options: { secretKey: string; now?: () => Date }): GatewaySim {
  return new StripeSim(options.secretKey, options.now ?? (() => new Date()));
}

class StripeSim implements GatewaySim {
  readonly prefix = 'stripe';
  readonly rootPath = '/v1/';
  readonly #secretKey: string;
  readonly #now: () => Date;
  readonly #sessions = new Map<string, SimSession>();
  /** Idempotency-Key → the first request's body and answer, replayed as Stripe does. */
  readonly #idempotent = new Map<string, { body: string; reply: Reply }>();
  readonly #abort = new AbortController();
  #endpoint: { url: string; secret: string } | null = null;
  #faults = { down: false, statusDisagrees: false, amountDisagrees: false };
  #queue: Promise<void> = Promise.resolve();

  constructor(secretKey: string, now: () => Date) {
    this.#secretKey = secretKey;
    this.#now = now;
  }

  async handle(request: GatewaySimRequest): Promise<Reply> {
    const path = request.path.split('?')[0] ?? '/';
    const page = /^\/checkout\/(cs_test_\w+)(\/pay)?$/.exec(path);
    if (page?.[1])
      return page[2] && request.method === 'POST' ? this.#payFromPage(page[1]) : this.#page(page[1]);
    if (!path.startsWith('/v1/'))
      return stripeError(
        404,
        'invalid_request_error',
        `Unrecognized request URL (${request.method}: ${path})`,
      );
    const auth = this.#authenticate(request);
    if (auth) return auth;
    if (this.#faults.down) return stripeError(500, 'api_error', 'The simulated Stripe API is down.');
    if (request.method === 'POST' && path === '/v1/checkout/sessions') return this.#create(request);
    if (request.method === 'GET' && path === '/v1/checkout/sessions') return this.#list(request.path);
    const one = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && one?.[1]) return this.#retrieve(decodeURIComponent(one[1]), request.path);
    const reversal = /^\/v1\/(charges|disputes)\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && reversal?.[1] && reversal[2])
      return this.#retrieveReversal(
        reversal[1] === 'charges' ? 'charge' : 'dispute',
        decodeURIComponent(reversal[2]),
      );
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${request.method}: ${path})`);
  }

  async control(request: GatewaySimRequest): Promise<Reply> {
    const path = request.path.split('?')[0] ?? '/';
    if (request.method === 'GET' && path === '/sessions')
      return json({ sessions: [...this.#sessions.values()].map(view) });
    if (request.method !== 'POST')
      return json({ error: `no control endpoint ${request.method} ${path}` }, 404);
    let body: Obj;
    try {
      const parsed: unknown = request.body.trim() === '' ? {} : JSON.parse(request.body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      body = parsed as Obj;
    } catch {
      return json({ error: 'body must be a JSON object' }, 400);
    }
    if (path === '/webhook-endpoint') {
      if (typeof body.url !== 'string' || typeof body.secret !== 'string' || body.secret === '')
        return json({ error: 'url and secret are required' }, 400);
      this.#endpoint = { url: body.url, secret: body.secret };
      return json({ ok: true });
    }
    if (path === '/faults') {
      if (typeof body.down === 'boolean') this.#faults.down = body.down;
      if (typeof body.statusDisagrees === 'boolean') this.#faults.statusDisagrees = body.statusDisagrees;
      if (typeof body.amountDisagrees === 'boolean') this.#faults.amountDisagrees = body.amountDisagrees;
      return json({ faults: this.#faults });
    }
    const action = /^\/sessions\/([^/]+)\/(pay|settle|expire|refund|dispute)$/.exec(path);
    const sim = action?.[1] ? this.#sessions.get(decodeURIComponent(action[1])) : undefined;
    if (!action) return json({ error: `no control endpoint POST ${path}` }, 404);
    if (!sim) return json({ error: 'no such session' }, 404);
    const notify = notifyOptions(body.notify);
    if (!notify)
      return json({ error: 'notify must be {times?, badSignature?, outOfOrder?, staleTimestamp?}' }, 400);
    const result =
      action[2] === 'pay'
        ? this.#pay(sim, notify, body.delayed === true)
        : action[2] === 'settle'
          ? this.#settle(sim, body.outcome, notify)
          : action[2] === 'expire'
            ? this.#expire(sim, notify)
            : action[2] === 'refund'
              ? this.#refund(sim, body.amount_cents, notify)
              : this.#dispute(sim, body.status, notify);
    if (typeof result === 'string') return json({ error: result }, 409);
    return json({ ...view(sim), events: result, notified: this.#endpoint !== null });
  }

  close(): void {
    this.#abort.abort();
  }

  exportState(): unknown {
    return {
      // In creation order, which the list call depends on.
      sessions: [...this.#sessions.values()],
      idempotent: [...this.#idempotent].map(([key, first]) => ({ key, ...first })),
      endpoint: this.#endpoint,
    };
  }

  restoreState(state: unknown): void {
    const sessions = savedList(state, 'sessions', []);
    for (const sim of sessions) {
      const session = sim.session;
      if (!isSaved(session) || typeof session.id !== 'string' || typeof session.status !== 'string')
        throw new Error('a saved session lacks its checkout session');
      if (!isSaved(sim.paymentIntentMetadata))
        throw new Error(`saved session ${session.id} lacks its metadata`);
      for (const part of [sim.charge, sim.dispute])
        if (part !== null && !(isSaved(part) && typeof part.id === 'string'))
          throw new Error(`saved session ${session.id} has a malformed charge or dispute`);
    }
    const idempotent = savedList(state, 'idempotent', ['key', 'body']);
    if (idempotent.some((first) => !isSaved(first.reply)))
      throw new Error('a saved idempotent request lacks its reply');
    const endpoint = (state as { endpoint?: unknown }).endpoint ?? null;
    if (endpoint !== null && !savedEndpoint(endpoint))
      throw new Error('the saved webhook endpoint is malformed');
    this.#sessions.clear();
    for (const sim of copyOf<SimSession[]>(sessions)) this.#sessions.set(sim.session.id, sim);
    this.#idempotent.clear();
    for (const { key, body, reply } of copyOf<Array<{ key: string; body: string; reply: Reply }>>(idempotent))
      this.#idempotent.set(key, { body, reply });
    this.#endpoint = endpoint === null ? null : { url: endpoint.url, secret: endpoint.secret };
  }

  #authenticate(request: GatewaySimRequest): Reply | undefined {
    const header = request.headers.authorization;
    if (!header) return stripeError(401, 'invalid_request_error', 'You did not provide an API key.');
    const key = /^Bearer (.+)$/.exec(header)?.[1] ?? '';
    if (key !== this.#secretKey)
      return stripeError(
        401,
        'invalid_request_error',
        `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`,
      );
    return undefined;
  }

  #create(request: GatewaySimRequest): Reply {
    const rawKey = request.headers['idempotency-key'];
    const key = Array.isArray(rawKey) ? rawKey[0] : rawKey;
    const first = key ? this.#idempotent.get(key) : undefined;
    if (first) {
      // Stripe compares the parameters: a key reused for another request is an error, not a replay.
      if (first.body !== request.body)
        return stripeError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      return { ...first.reply, headers: { ...first.reply.headers, 'idempotent-replayed': 'true' } };
    }
    const reply = this.#createSession(request);
    // Stripe keeps the first answer for a key, errors included, unless the error was its own fault.
    if (key && reply.status < 500) this.#idempotent.set(key, { body: request.body, reply });
    return reply;
  }

  #createSession(request: GatewaySimRequest): Reply {
    let form: Record<string, FormValue>;
    try {
      form = parseStripeForm(request.body);
    } catch (error) {
      return paramError(error instanceof FormError ? error.message : 'unreadable form body', undefined);
    }
    if (form.mode !== 'payment') return paramError('mode must be payment', 'mode');
    const items = form.line_items;
    if (!Array.isArray(items) || items.length === 0)
      return paramError('line_items is required', 'line_items');
    let total = 0;
    let currency: string | undefined;
    for (const [i, item] of items.entries()) {
      const price = typeof item === 'object' && !Array.isArray(item) ? item.price_data : undefined;
      if (!price || typeof price !== 'object' || Array.isArray(price))
        return paramError('price_data is required', `line_items[${i}][price_data]`);
      const itemCurrency = typeof price.currency === 'string' ? price.currency : '';
      if (!/^[a-z]{3}$/.test(itemCurrency))
        return paramError('invalid currency', `line_items[${i}][price_data][currency]`);
      if (currency && currency !== itemCurrency)
        return paramError('line items must share a currency', 'line_items');
      currency = itemCurrency;
      const unit = integer(price.unit_amount);
      if (unit === undefined || unit < 0)
        return paramError('invalid integer', `line_items[${i}][price_data][unit_amount]`);
      const product = price.product_data;
      if (
        !product ||
        typeof product !== 'object' ||
        Array.isArray(product) ||
        typeof product.name !== 'string'
      )
        return paramError(
          'product_data[name] is required',
          `line_items[${i}][price_data][product_data][name]`,
        );
      const quantity = integer(typeof item === 'object' && !Array.isArray(item) ? item.quantity : undefined);
      if (quantity === undefined || quantity < 1)
        return paramError('invalid integer', `line_items[${i}][quantity]`);
      total += unit * quantity;
    }
    if (!currency) return paramError('line_items is required', 'line_items');
    if (total < (MIN_CHARGE[currency] ?? 1))
      return stripeError(
        400,
        'invalid_request_error',
        'The Checkout Session total is below the minimum amount.',
        'amount_too_small',
      );
    if (typeof form.success_url !== 'string') return paramError('success_url is required', 'success_url');
    const metadata = stringMap(form.metadata);
    if (!metadata) return paramError('invalid metadata', 'metadata');
    const intentData = form.payment_intent_data;
    const intentMetadata = stringMap(
      intentData && typeof intentData === 'object' && !Array.isArray(intentData)
        ? intentData.metadata
        : undefined,
    );
    if (!intentMetadata) return paramError('invalid metadata', 'payment_intent_data[metadata]');
    const reference = form.client_reference_id;
    if (reference !== undefined && (typeof reference !== 'string' || reference.length > 200))
      return paramError('client_reference_id is at most 200 characters', 'client_reference_id');
    const created = this.#seconds();
    const expiresAt = form.expires_at === undefined ? created + 86_400 : integer(form.expires_at);
    if (expiresAt === undefined || expiresAt < created + 1800 || expiresAt > created + 86_400)
      return paramError('expires_at must be 30 minutes to 24 hours ahead', 'expires_at');

    const id = `cs_test_a1${randomId()}`;
    const session: SessionObject = {
      id,
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      url: `http://${request.headers.host ?? '127.0.0.1'}/stripe/checkout/${id}`,
      amount_subtotal: total,
      amount_total: total,
      currency,
      client_reference_id: typeof reference === 'string' ? reference : null,
      customer_email: typeof form.customer_email === 'string' ? form.customer_email : null,
      metadata,
      payment_intent: null,
      success_url: form.success_url,
      cancel_url: typeof form.cancel_url === 'string' ? form.cancel_url : null,
      expires_at: expiresAt,
      created,
      livemode: false,
    };
    this.#sessions.set(id, { session, paymentIntentMetadata: intentMetadata, charge: null, dispute: null });
    return json(session);
  }

  #retrieve(id: string, pathWithQuery: string): Reply {
    const { query, refused } = queryOf(pathWithQuery);
    if (refused) return refused;
    const sim = this.#sessions.get(id);
    if (!sim)
      return stripeError(
        404,
        'invalid_request_error',
        `No such checkout.session: '${id}'`,
        'resource_missing',
        'session',
      );
    return json(this.#present(sim, expands(query.expand, 'payment_intent')));
  }

  /**
   * A session as the API answers with it: its payment intent as an object when expanded, and the
   * faults applied — the disagreeing status call shows it as it was before anything was paid, the
   * disagreeing amount shows a paid session at half its total.
   */
  #present(sim: SimSession, expandIntent: boolean): Obj {
    if (this.#faults.statusDisagrees)
      return { ...sim.session, status: 'open', payment_status: 'unpaid', payment_intent: null };
    const session: Obj = { ...sim.session };
    if (this.#faults.amountDisagrees && sim.session.payment_status === 'paid')
      session.amount_total = Math.floor(sim.session.amount_total / 2);
    if (expandIntent && sim.session.payment_intent) session.payment_intent = this.#intentOf(sim);
    return session;
  }

  /** The session's payment intent; one saved before intents were kept is read off the session. */
  #intentOf(sim: SimSession): IntentObject {
    if (sim.intent) return sim.intent;
    const paid = sim.session.payment_status === 'paid';
    return this.#newIntent(
      sim,
      sim.session.payment_intent ?? `pi_${randomId()}`,
      paid ? 'succeeded' : 'processing',
    );
  }

  #newIntent(sim: SimSession, id: string, status: IntentObject['status']): IntentObject {
    return {
      id,
      object: 'payment_intent',
      amount: sim.session.amount_total,
      currency: sim.session.currency,
      status,
      metadata: { ...sim.paymentIntentMetadata },
      created: this.#seconds(),
      livemode: false,
    };
  }

  /**
   * `GET /v1/checkout/sessions`: newest first, `created` as a number or `{gt, gte, lt, lte}`, `limit`
   * 1–100 (default 10), one of `starting_after` / `ending_before` (an id of the list), in Stripe's list
   * envelope.
   */
  #list(pathWithQuery: string): Reply {
    const { query, refused } = queryOf(pathWithQuery);
    if (refused) return refused;
    const limit = query.limit === undefined ? 10 : integer(query.limit);
    if (limit === undefined || limit < 1 || limit > 100)
      return paramError('This value must be between 1 and 100.', 'limit');
    const created = createdFilter(query.created);
    if (!created) return paramError('Invalid created filter', 'created');
    const { starting_after: after, ending_before: before } = query;
    if (after !== undefined && before !== undefined)
      return paramError(
        'You may only specify one of these parameters: ending_before, starting_after.',
        'ending_before',
      );
    // Insertion order is creation order: newest first is its reverse. A cursor is a position in that
    // order (whether or not it matches the filter); the page is what matches on the cursor's side.
    const ordered = [...this.#sessions.values()].map((sim) => sim.session).reverse();
    const cursor = after ?? before;
    let candidates = ordered;
    if (cursor !== undefined) {
      const index = typeof cursor === 'string' ? ordered.findIndex((session) => session.id === cursor) : -1;
      if (index < 0)
        return stripeError(
          400,
          'invalid_request_error',
          `No such checkout.session: '${String(cursor)}'`,
          'resource_missing',
          after !== undefined ? 'starting_after' : 'ending_before',
        );
      candidates = after !== undefined ? ordered.slice(index + 1) : ordered.slice(0, index);
    }
    const matching = candidates.filter((session) => created(session.created as number));
    // Going backwards (ending_before), the page is the part nearest the cursor.
    const page = before !== undefined ? matching.slice(-limit) : matching.slice(0, limit);
    const hasMore = matching.length > limit;
    const expandIntent = expands(query.expand, 'data.payment_intent');
    const data = page.map((session) => this.#present(this.#sessions.get(session.id)!, expandIntent));
    return json({ object: 'list', data, has_more: hasMore, url: '/v1/checkout/sessions' });
  }

  /** A charge or dispute as it is now (the re-check of a refund or dispute event). */
  #retrieveReversal(kind: 'charge' | 'dispute', id: string): Reply {
    for (const sim of this.#sessions.values()) {
      const object = sim[kind];
      if (object?.id === id) return json(object);
    }
    return stripeError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', 'id');
  }

  /**
   * The customer pays: by card, the session is paid at once; by a delayed method it completes unpaid
   * with its payment intent processing, until settle() says how it ended.
   */
  #pay(sim: SimSession, notify: Required<NotifyOptions>, delayed = false): string[] | string {
    if (sim.session.status !== 'open') return `session is ${sim.session.status}`;
    const paymentIntent = `pi_${randomId()}`;
    sim.session.status = 'complete';
    sim.session.payment_intent = paymentIntent;
    sim.intent = this.#newIntent(sim, paymentIntent, delayed ? 'processing' : 'succeeded');
    if (delayed) {
      sim.session.payment_status = 'unpaid';
      return this.#send([this.#event('checkout.session.completed', sim.session)], notify);
    }
    this.#charge(sim, paymentIntent);
    const completed = this.#event('checkout.session.completed', sim.session);
    const events = [completed];
    // Stripe sends charge.succeeded first; arriving after the completed event, it is the stale one.
    if (notify.outOfOrder)
      events.push(this.#event('charge.succeeded', sim.charge!, (completed.created as number) - 1));
    return this.#send(events, notify);
  }

  /** A delayed payment ends: `succeeded` pays the session, `failed` leaves it unpaid for good. */
  #settle(sim: SimSession, outcome: unknown, notify: Required<NotifyOptions>): string[] | string {
    const intent = sim.intent;
    if (sim.session.status !== 'complete' || sim.session.payment_status !== 'unpaid' || !intent)
      return 'session is not waiting for a delayed payment';
    if (intent.status !== 'processing') return `its payment intent is ${intent.status}`;
    if (outcome === 'succeeded') {
      intent.status = 'succeeded';
      this.#charge(sim, intent.id);
      return this.#send([this.#event('checkout.session.async_payment_succeeded', sim.session)], notify);
    }
    if (outcome === 'failed') {
      intent.status = 'requires_payment_method';
      return this.#send([this.#event('checkout.session.async_payment_failed', sim.session)], notify);
    }
    return "outcome must be 'succeeded' or 'failed'";
  }

  #charge(sim: SimSession, paymentIntent: string): void {
    sim.session.payment_status = 'paid';
    sim.charge = {
      id: `ch_${randomId()}`,
      object: 'charge',
      amount: sim.session.amount_total,
      amount_captured: sim.session.amount_total,
      amount_refunded: 0,
      refunded: false,
      disputed: false,
      paid: true,
      status: 'succeeded',
      currency: sim.session.currency,
      payment_intent: paymentIntent,
      // The payment intent's metadata is copied onto its charge.
      metadata: { ...sim.paymentIntentMetadata },
      created: this.#seconds(),
      livemode: false,
    };
  }

  #expire(sim: SimSession, notify: Required<NotifyOptions>): string[] | string {
    if (sim.session.status !== 'open') return `session is ${sim.session.status}`;
    sim.session.status = 'expired';
    return this.#send([this.#event('checkout.session.expired', sim.session)], notify);
  }

  #refund(sim: SimSession, amountCents: unknown, notify: Required<NotifyOptions>): string[] | string {
    const charge = sim.charge;
    if (!charge) return 'session is not paid';
    const left = charge.amount - charge.amount_refunded;
    const amount = amountCents === undefined ? left : amountCents;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1 || amount > left)
      return `amount_cents must be 1…${left}`;
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    return this.#send([this.#event('charge.refunded', charge)], notify);
  }

  #dispute(sim: SimSession, status: unknown, notify: Required<NotifyOptions>): string[] | string {
    const charge = sim.charge;
    if (!charge) return 'session is not paid';
    if (status === 'created') {
      if (sim.dispute) return 'the charge is already disputed';
      charge.disputed = true;
      sim.dispute = {
        id: `du_${randomId()}`,
        object: 'dispute',
        amount: charge.amount,
        currency: charge.currency,
        charge: charge.id,
        payment_intent: charge.payment_intent,
        reason: 'fraudulent',
        status: 'needs_response',
        // A dispute has its own (empty) metadata: it is traced through charge / payment_intent.
        metadata: {},
        created: this.#seconds(),
        livemode: false,
      };
      return this.#send([this.#event('charge.dispute.created', sim.dispute)], notify);
    }
    if (status === 'won' || status === 'lost') {
      if (!sim.dispute || sim.dispute.status === 'won' || sim.dispute.status === 'lost')
        return 'no open dispute';
      sim.dispute.status = status;
      return this.#send([this.#event('charge.dispute.closed', sim.dispute)], notify);
    }
    return "status must be 'created', 'won' or 'lost'";
  }

  #event(type: string, object: Obj, created = this.#seconds()): Obj {
    return {
      id: `evt_${randomId()}`,
      object: 'event',
      api_version: API_VERSION,
      created,
      livemode: false,
      type,
      // A snapshot: later changes to the object do not rewrite events already made.
      data: { object: structuredClone(object) },
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    };
  }

  /** Queues the events (the first one `times` times) behind everything sent before; returns their ids. */
  #send(events: Obj[], notify: Required<NotifyOptions>): string[] {
    const [first, ...rest] = events;
    if (!first) return [];
    const endpoint = this.#endpoint;
    const fault = { badSignature: notify.badSignature, staleTimestamp: notify.staleTimestamp };
    const deliveries: Delivery[] = [
      ...Array.from({ length: notify.times }, () => ({ event: first, ...fault })),
      ...rest.map((event) => ({ event, ...fault })),
    ];
    if (endpoint) {
      for (const delivery of deliveries)
        this.#queue = this.#queue.then(() => this.#deliver(endpoint, delivery)).catch(() => {});
    }
    return events.map((event) => event.id as string);
  }

  async #deliver(endpoint: { url: string; secret: string }, delivery: Delivery): Promise<void> {
    const body = JSON.stringify(delivery.event);
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (this.#abort.signal.aborted) return;
      if (attempt > 0 && !(await this.#sleep(RETRY_DELAYS_MS[attempt - 1] ?? 0))) return;
      const t = this.#seconds() - (delivery.staleTimestamp ? STALE_BY_SECONDS : 0);
      const secret = delivery.badSignature ? `${endpoint.secret}_wrong` : endpoint.secret;
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            'stripe-signature': signStripePayload(body, secret, t),
          },
          body,
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        });
        await response.arrayBuffer();
        if (response.ok) return;
      } catch {
        if (this.#abort.signal.aborted) return;
      }
    }
  }

  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(true), ms);
      this.#abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve(false);
        },
        { once: true },
      );
    });
  }

  #page(id: string): Reply {
    const sim = this.#sessions.get(id);
    if (!sim) return text('no such checkout session', 404);
    const amount = `${Math.floor(sim.session.amount_total / 100)}.${String(sim.session.amount_total % 100).padStart(2, '0')}`;
    const action =
      sim.session.status === 'open'
        ? `<form method="post" action="/stripe/checkout/${id}/pay"><button>Pay ${amount} ${sim.session.currency.toUpperCase()}</button></form>`
        : `<p>This checkout session is ${sim.session.status}.</p>`;
    return {
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><title>Simulated Stripe Checkout</title><h1>Simulated Stripe Checkout</h1>${action}`,
    };
  }

  #payFromPage(id: string): Reply {
    const sim = this.#sessions.get(id);
    if (!sim) return text('no such checkout session', 404);
    const result = this.#pay(sim, {
      times: 1,
      badSignature: false,
      outOfOrder: false,
      staleTimestamp: false,
    });
    if (typeof result === 'string') return text(result, 409);
    const location = sim.session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', id);
    return { status: 303, contentType: 'text/plain; charset=utf-8', body: '', headers: { location } };
  }

  #seconds(): number {
    return Math.floor(this.#now().getTime() / 1000);
  }
}

/** `Stripe-Signature` as Stripe sends it: `t=<unix>,v1=<hex>`, no spaces (§3.3). */
export function signStripePayload(body: string, secret: string, t: number): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}

function savedEndpoint(value: unknown): value is { url: string; secret: string } {
  return isSaved(value) && typeof value.url === 'string' && typeof value.secret === 'string';
}

function view(sim: SimSession): Obj {
  return { session: sim.session, intent: sim.intent ?? null, charge: sim.charge, dispute: sim.dispute };
}

/** Whether an `expand` parameter (`expand[0]=…`) asks for `field`. */
function expands(expand: FormValue | undefined, field: string): boolean {
  return Array.isArray(expand) ? expand.includes(field) : expand === field;
}

function notifyOptions(value: unknown): Required<NotifyOptions> | undefined {
  if (value === undefined) return { times: 1, badSignature: false, outOfOrder: false, staleTimestamp: false };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Obj;
  const times = o.times ?? 1;
  // 0: the event is lost (never delivered).
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 0 || times > 20) return undefined;
  for (const flag of ['badSignature', 'outOfOrder', 'staleTimestamp'] as const)
    if (o[flag] !== undefined && typeof o[flag] !== 'boolean') return undefined;
  return {
    times,
    badSignature: o.badSignature === true,
    outOfOrder: o.outOfOrder === true,
    staleTimestamp: o.staleTimestamp === true,
  };
}

/** A GET's query string as Stripe reads it, or the error Stripe answers for an unreadable one. */
function queryOf(
  pathWithQuery: string,
): { query: Record<string, FormValue>; refused?: undefined } | { query?: undefined; refused: Reply } {
  const at = pathWithQuery.indexOf('?');
  try {
    return { query: parseStripeForm(at < 0 ? '' : pathWithQuery.slice(at + 1)) };
  } catch (error) {
    return {
      refused: paramError(error instanceof FormError ? error.message : 'unreadable query', undefined),
    };
  }
}

function integer(value: FormValue | undefined): number | undefined {
  if (typeof value !== 'string' || !/^-?\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/** Stripe's `created` list filter: a unix time, or bounds `gt`, `gte`, `lt`, `lte`; undefined if malformed. */
function createdFilter(value: FormValue | undefined): ((created: number) => boolean) | undefined {
  if (value === undefined) return () => true;
  if (typeof value === 'string') {
    const exact = integer(value);
    return exact === undefined ? undefined : (created) => created === exact;
  }
  if (Array.isArray(value)) return undefined;
  const tests: Record<string, (created: number, bound: number) => boolean> = {
    gt: (c, b) => c > b,
    gte: (c, b) => c >= b,
    lt: (c, b) => c < b,
    lte: (c, b) => c <= b,
  };
  const bounds: Array<[(created: number, bound: number) => boolean, number]> = [];
  for (const [key, raw] of Object.entries(value)) {
    const test = tests[key];
    const bound = integer(raw);
    if (!test || bound === undefined) return undefined;
    bounds.push([test, bound]);
  }
  return (created) => bounds.every(([test, bound]) => test(created, bound));
}

/** Stripe metadata: at most 50 string keys of ≤ 40 characters, values ≤ 500. */
function stringMap(value: FormValue | undefined): Record<string, string> | undefined {
  if (value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length > 50) return undefined;
  for (const [key, v] of entries)
    if (typeof v !== 'string' || key.length > 40 || v.length > 500) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}

function randomId(): string {
  return randomBytes(12).toString('hex');
}

function stripeError(status: number, type: string, message: string, code?: string, param?: string): Reply {
  return json({ error: { type, message, ...(code ? { code } : {}), ...(param ? { param } : {}) } }, status);
}

function paramError(message: string, param: string | undefined): Reply {
  return stripeError(400, 'invalid_request_error', message, 'parameter_invalid', param);
}
