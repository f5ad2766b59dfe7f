/**
 * The Heleket persona (specs/payments.md §1): `POST /v1/payment`, `/v1/payment/info`, `/v1/payment/resend`
 * with the `merchant` header and `sign` checked over the raw body, PHP-style JSON answers, and invoices in
 * memory. Control API (under `/control/heleket`): list, pay, set any status, refund, faults — pay and the
 * others POST the signed webhook to the invoice's url_callback, with duplicates, out-of-order delivery and
 * a bad signature on demand. Webhooks are sent in the background; the listing shows each delivery.
 * exportState/restoreState carry the invoices with their deliveries; faults reset on restart, and a
 * webhook still being retried at close is not sent again.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import Big from 'big.js';
import {
  buildSignedWebhookBody,
  encodePhpJson,
  sameSignature,
  signHeleketBody,
} from '../../payments/heleket/heleket-signature.ts';
import { isHeleketFinal } from '../../payments/heleket/heleket-statuses.ts';
import { json, jsonBody, type Reply, text } from '../http-io.ts';
import type { SimLogger } from '../types.ts';
import type { GatewaySim, GatewaySimRequest } from './gateway-sim.ts';
import { type HeleketDelivery, HeleketNotifier } from './heleket-sim-notifier.ts';
import { copyOf, savedList } from './saved-state.ts';

export const HELEKET_SIM_STATUSES = [
  'check',
  'process',
  'confirm_check',
  'wrong_amount_waiting',
  'paid',
  'paid_over',
  'wrong_amount',
  'cancel',
  'fail',
  'system_fail',
  'locked',
  'refund_process',
  'refund_paid',
  'refund_fail',
] as const;
export type HeleketSimStatus = (typeof HELEKET_SIM_STATUSES)[number];

const PAID_STATUSES = ['paid', 'paid_over', 'wrong_amount'] as const;
const ORDER_ID = /^[A-Za-z0-9_-]{1,128}$/;
const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;
/** What the payer paid, converted to USD: Heleket reports more decimals than cents. */
const PAID_AMOUNT = /^\d{1,12}(\.\d{1,8})?$/;
const MAX_NOTIFY_TIMES = 10;
const MAX_RESENDS = 10;
/** The persona's fee: 2 % of what was paid, in cents. */
const COMMISSION_PERCENT = 2n;

export interface HeleketSimOptions {
  merchant: string;
  paymentKey: string;
  log?: SimLogger;
}

interface SimInvoice {
  uuid: string;
  orderId: string;
  amount: string;
  currency: string;
  status: HeleketSimStatus;
  paymentAmountUsd: string | null;
  from: string | null;
  txid: string | null;
  urlCallback: string | null;
  urlReturn: string | null;
  urlSuccess: string | null;
  additionalData: string | null;
  address: string;
  payUrl: string;
  expiredAt: number;
  createdAt: string;
  updatedAt: string;
  resends: number;
  deliveries: HeleketDelivery[];
}

interface NotifyOptions {
  times: number;
  badSignature: boolean;
  outOfOrder: boolean;
}

export function heleketSim(options: HeleketSimOptions): GatewaySim {
  return new HeleketSim(options);
}

class HeleketSim implements GatewaySim {
  readonly prefix = 'heleket';
  readonly #options: HeleketSimOptions;
  readonly #byUuid = new Map<string, SimInvoice>();
  readonly #byOrder = new Map<string, string>();
  readonly #notifier: HeleketNotifier;
  #faults = { down: false, statusDisagrees: false, amountDisagrees: false };

  constructor(options: HeleketSimOptions) {
    this.#options = options;
    this.#notifier = new HeleketNotifier(options.log);
  }

  async handle(request: GatewaySimRequest): Promise<Reply> {
    const path = request.path.split('?')[0]!;
    const page = /^\/pay\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && page) return this.#page(decodeURIComponent(page[1]!));
    if (this.#faults.down) return heleketJson({ state: 1, message: 'Service temporarily unavailable' }, 503);
    if (request.method !== 'POST') return heleketJson({ state: 1, message: 'Method not allowed' }, 405);
    const routes: Record<string, (params: Record<string, unknown>, request: GatewaySimRequest) => Reply> = {
      '/v1/payment': (params, req) => this.#create(params, req),
      '/v1/payment/info': (params) => this.#info(params),
      '/v1/payment/resend': (params) => this.#resend(params),
    };
    const route = routes[path];
    if (!route) return heleketJson({ state: 1, message: 'Not found' }, 404);
    const refusal = this.#authenticate(request);
    if (refusal) return refusal;
    let params: unknown = {};
    if (request.body !== '') {
      try {
        params = JSON.parse(request.body);
      } catch {
        return heleketJson({ state: 1, message: 'Invalid JSON body' }, 400);
      }
    }
    if (!isObject(params)) return heleketJson({ state: 1, message: 'Invalid JSON body' }, 400);
    return route(params, request);
  }

  async control(request: GatewaySimRequest): Promise<Reply> {
    const path = request.path.split('?')[0]!;
    if (request.method === 'GET' && path === '/payments') {
      return json({ payments: [...this.#byUuid.values()].map(controlView) });
    }
    if (request.method !== 'POST')
      return json({ error: `no control endpoint ${request.method} ${path}` }, 404);
    let body: unknown = {};
    if (request.body.trim() !== '') {
      try {
        body = JSON.parse(request.body);
      } catch {
        return json({ error: 'control body is not JSON' }, 400);
      }
    }
    if (!isObject(body)) return json({ error: 'control body must be a JSON object' }, 400);
    if (path === '/faults') return this.#setFaults(body);
    if (path === '/reset') {
      this.#byUuid.clear();
      this.#byOrder.clear();
      this.#faults = { down: false, statusDisagrees: false, amountDisagrees: false };
      return json({ ok: true });
    }
    const action = /^\/payments\/([^/]+)\/(pay|status|refund)$/.exec(path);
    if (!action) return json({ error: `no control endpoint POST ${path}` }, 404);
    const invoice = this.#byUuid.get(decodeURIComponent(action[1]!));
    if (!invoice) return json({ error: 'no such payment' }, 404);
    const notify = notifyOptions(body.notify);
    if (typeof notify === 'string') return json({ error: notify }, 400);
    if (action[2] === 'pay') return this.#pay(invoice, body, notify);
    if (action[2] === 'refund') return this.#refund(invoice, notify);
    return this.#setStatus(invoice, body, notify);
  }

  close(): void {
    this.#notifier.close();
  }

  exportState(): unknown {
    return { invoices: [...this.#byUuid.values()] };
  }

  restoreState(state: unknown): void {
    const invoices = savedList(state, 'invoices', ['uuid', 'orderId', 'amount', 'currency', 'status']);
    for (const invoice of invoices) {
      if (!(HELEKET_SIM_STATUSES as readonly unknown[]).includes(invoice.status))
        throw new Error(`saved invoice ${String(invoice.uuid)} has an unknown status`);
      if (!Array.isArray(invoice.deliveries))
        throw new Error(`saved invoice ${String(invoice.uuid)} has no deliveries`);
    }
    this.#byUuid.clear();
    this.#byOrder.clear();
    for (const invoice of copyOf<SimInvoice[]>(invoices)) {
      this.#byUuid.set(invoice.uuid, invoice);
      this.#byOrder.set(invoice.orderId, invoice.uuid);
    }
  }

  #authenticate(request: GatewaySimRequest): Reply | undefined {
    const merchant = request.headers.merchant;
    const sign = request.headers.sign;
    if (merchant !== this.#options.merchant) {
      return heleketJson({ state: 1, message: 'Unauthorized: unknown merchant' }, 401);
    }
    const expected = signHeleketBody(request.body, this.#options.paymentKey);
    if (typeof sign !== 'string' || !sameSignature(sign, expected)) {
      return heleketJson({ state: 1, message: 'Unauthorized: invalid sign' }, 401);
    }
    return undefined;
  }

  #create(params: Record<string, unknown>, request: GatewaySimRequest): Reply {
    const errors: Record<string, string[]> = {};
    const fail = (field: string, rule: string) => {
      errors[field] = [...(errors[field] ?? []), rule];
    };
    for (const field of ['amount', 'currency', 'order_id']) {
      if (params[field] === undefined || params[field] === null || params[field] === '')
        fail(field, 'validation.required');
    }
    if (params.amount !== undefined && !(typeof params.amount === 'string' && AMOUNT.test(params.amount))) {
      fail('amount', 'validation.numeric');
    }
    if (params.currency !== undefined && typeof params.currency !== 'string')
      fail('currency', 'validation.string');
    if (
      params.order_id !== undefined &&
      !(typeof params.order_id === 'string' && ORDER_ID.test(params.order_id))
    ) {
      fail('order_id', 'validation.regex');
    }
    for (const field of ['url_callback', 'url_return', 'url_success']) {
      const value = params[field];
      if (
        value !== undefined &&
        !(typeof value === 'string' && value.length >= 6 && value.length <= 255 && isUrl(value))
      ) {
        fail(field, 'validation.url');
      }
    }
    const lifetime = params.lifetime ?? 3600;
    if (!(Number.isInteger(lifetime) && (lifetime as number) >= 300 && (lifetime as number) <= 43_200)) {
      fail('lifetime', 'validation.between.numeric');
    }
    const additional = params.additional_data;
    if (
      additional !== undefined &&
      additional !== null &&
      !(typeof additional === 'string' && additional.length <= 255)
    ) {
      fail('additional_data', 'validation.max.string');
    }
    if (Object.keys(errors).length > 0) return heleketJson({ state: 1, errors }, 422);

    const orderId = params.order_id as string;
    const existing = this.#byOrder.get(orderId);
    if (existing)
      return heleketJson({ state: 0, result: infoResult(this.#byUuid.get(existing)!, NO_FAULTS) });
    const uuid = randomUUID();
    const now = new Date();
    const host = request.headers.host ?? '127.0.0.1';
    const invoice: SimInvoice = {
      uuid,
      orderId,
      amount: params.amount as string,
      currency: (params.currency as string).toUpperCase(),
      status: 'check',
      paymentAmountUsd: null,
      from: null,
      txid: null,
      urlCallback: (params.url_callback as string | undefined) ?? null,
      urlReturn: (params.url_return as string | undefined) ?? null,
      urlSuccess: (params.url_success as string | undefined) ?? null,
      additionalData: (additional as string | undefined) ?? null,
      address: `TSim${randomBytes(15).toString('hex')}`,
      payUrl: `http://${host}/${this.prefix}/pay/${uuid}`,
      expiredAt: Math.floor(now.getTime() / 1000) + (lifetime as number),
      createdAt: isoTime(now),
      updatedAt: isoTime(now),
      resends: 0,
      deliveries: [],
    };
    this.#byUuid.set(uuid, invoice);
    this.#byOrder.set(orderId, uuid);
    return heleketJson({ state: 0, result: infoResult(invoice, NO_FAULTS) });
  }

  #find(params: Record<string, unknown>): SimInvoice | Reply {
    const { uuid } = params;
    const orderId = params.order_id;
    if (typeof uuid !== 'string' && typeof orderId !== 'string') {
      return heleketJson(
        {
          state: 1,
          errors: { uuid: ['validation.required_without'], order_id: ['validation.required_without'] },
        },
        422,
      );
    }
    // Heleket's rule: when both are given, order_id wins.
    const key = typeof orderId === 'string' ? this.#byOrder.get(orderId) : (uuid as string);
    const invoice = key === undefined ? undefined : this.#byUuid.get(key);
    return invoice ?? heleketJson({ state: 1, message: 'Payment not found' }, 404);
  }

  #info(params: Record<string, unknown>): Reply {
    const invoice = this.#find(params);
    if (!isInvoice(invoice)) return invoice;
    return heleketJson({ state: 0, result: infoResult(invoice, this.#faults) });
  }

  #resend(params: Record<string, unknown>): Reply {
    const invoice = this.#find(params);
    if (!isInvoice(invoice)) return invoice;
    if (!(PAID_STATUSES as readonly string[]).includes(invoice.status) || !invoice.urlCallback) {
      return heleketJson({ state: 1, message: 'Notification not found' }, 404);
    }
    if (invoice.resends >= MAX_RESENDS) return heleketJson({ state: 1, message: 'Too much resend' }, 429);
    invoice.resends++;
    this.#notify(invoice, { times: 1, badSignature: false, outOfOrder: false });
    return heleketJson({ state: 0, result: [] });
  }

  #pay(invoice: SimInvoice, body: Record<string, unknown>, notify: NotifyOptions): Reply {
    const status = body.status ?? 'paid';
    if (typeof status !== 'string' || !(PAID_STATUSES as readonly string[]).includes(status)) {
      return json({ error: `status must be one of ${PAID_STATUSES.join(', ')}` }, 400);
    }
    if (isHeleketFinal(invoice.status))
      return json({ error: `payment is already final (${invoice.status})` }, 409);
    const amount = body.payment_amount_usd ?? defaultPaidAmount(invoice.amount, status);
    if (typeof amount !== 'string' || !PAID_AMOUNT.test(amount)) {
      return json({ error: 'payment_amount_usd must be a decimal string' }, 400);
    }
    invoice.paymentAmountUsd = amount;
    invoice.from = `TSimPayer${randomBytes(12).toString('hex')}`;
    invoice.txid = randomBytes(32).toString('hex');
    return this.#transition(invoice, status as HeleketSimStatus, notify);
  }

  #setStatus(invoice: SimInvoice, body: Record<string, unknown>, notify: NotifyOptions): Reply {
    const { status } = body;
    if (typeof status !== 'string' || !(HELEKET_SIM_STATUSES as readonly string[]).includes(status)) {
      return json({ error: `status must be one of ${HELEKET_SIM_STATUSES.join(', ')}` }, 400);
    }
    if (body.payment_amount_usd !== undefined) {
      const amount = body.payment_amount_usd;
      if (amount !== null && !(typeof amount === 'string' && PAID_AMOUNT.test(amount))) {
        return json({ error: 'payment_amount_usd must be a decimal string or null' }, 400);
      }
      invoice.paymentAmountUsd = amount;
    }
    return this.#transition(invoice, status as HeleketSimStatus, notify);
  }

  #refund(invoice: SimInvoice, notify: NotifyOptions): Reply {
    if (!(PAID_STATUSES as readonly string[]).includes(invoice.status)) {
      return json({ error: `only a paid payment can be refunded (it is ${invoice.status})` }, 409);
    }
    return this.#transition(invoice, 'refund_paid', notify);
  }

  #transition(invoice: SimInvoice, status: HeleketSimStatus, notify: NotifyOptions): Reply {
    const previous = invoice.status;
    invoice.status = status;
    invoice.updatedAt = isoTime(new Date());
    this.#notify(invoice, notify, previous);
    return json({ ok: true, payment: controlView(invoice) });
  }

  /** Sends `times` copies at once; with outOfOrder, an older non-final status once they have landed. */
  #notify(invoice: SimInvoice, notify: NotifyOptions, previous?: HeleketSimStatus): void {
    const url = invoice.urlCallback;
    if (!url || notify.times === 0) return;
    const key = notify.badSignature ? `${this.#options.paymentKey}-not-the-key` : this.#options.paymentKey;
    const send = (data: Record<string, unknown>) => {
      const record: HeleketDelivery = {
        status: String(data.status),
        signatureValid: !notify.badSignature,
        attempts: [],
        delivered: false,
      };
      invoice.deliveries.push(record);
      return this.#notifier.deliver(url, buildSignedWebhookBody(data, key), record);
    };
    const current = webhookData(invoice);
    const older = invoice.status.startsWith('refund')
      ? 'refund_process'
      : previous && !isHeleketFinal(previous) && previous !== 'check'
        ? previous
        : 'confirm_check';
    const stale = { ...current, status: older, is_final: false };
    void (async () => {
      await Promise.all(Array.from({ length: notify.times }, () => send(current)));
      if (notify.outOfOrder) await send(stale);
    })();
  }

  #setFaults(body: Record<string, unknown>): Reply {
    for (const name of ['down', 'statusDisagrees', 'amountDisagrees'] as const) {
      const value = body[name];
      if (value === undefined) continue;
      if (typeof value !== 'boolean') return json({ error: `${name} must be a boolean` }, 400);
      this.#faults[name] = value;
    }
    return json({ ok: true, faults: { ...this.#faults } });
  }

  #page(uuid: string): Reply {
    const invoice = this.#byUuid.get(uuid);
    if (!invoice) return text('Heleket simulator: no such invoice', 404);
    return text(
      `Heleket simulator: invoice ${invoice.uuid} for ${invoice.amount} ${invoice.currency}, ${invoice.status}\n`,
    );
  }
}

function heleketJson(value: unknown, status = 200): Reply {
  return jsonBody(encodePhpJson(value), status);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInvoice(value: SimInvoice | Reply): value is SimInvoice {
  return 'uuid' in value;
}

function isUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** PHP's `date('c')` shape, in UTC. */
function isoTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function toCents(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  // Cents, truncated: a paid amount may carry more decimals than cents.
  return BigInt(whole!) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
}

function fromCents(cents: bigint): string {
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** paid: the amount asked; paid_over: one dollar more; wrong_amount: half of it. */
function defaultPaidAmount(amount: string, status: string): string {
  const cents = toCents(amount);
  if (status === 'paid_over') return fromCents(cents + 100n);
  if (status === 'wrong_amount') return fromCents(cents / 2n);
  return amount;
}

function feesOf(paid: string | null): { merchant: string | null; commission: string | null } {
  if (paid === null) return { merchant: null, commission: null };
  const cents = toCents(paid);
  const commission = (cents * COMMISSION_PERCENT) / 100n;
  return { merchant: fromCents(cents - commission), commission: fromCents(commission) };
}

/** The invoice object of create and info answers, in Heleket's field order. */
/** Creating an invoice answers with it as it is. */
const NO_FAULTS = { statusDisagrees: false, amountDisagrees: false };

function infoResult(
  invoice: SimInvoice,
  faults: { statusDisagrees: boolean; amountDisagrees: boolean },
): Record<string, unknown> {
  const disagree = faults.statusDisagrees;
  const status = disagree ? 'check' : invoice.status;
  const paidUsd = disagree ? null : invoice.paymentAmountUsd;
  // The disagreeing amount: half of what the webhook said was paid.
  const paid =
    paidUsd !== null && faults.amountDisagrees
      ? new Big(paidUsd).div(2).round(2, Big.roundDown).toFixed(2)
      : paidUsd;
  const fees = feesOf(paid ?? invoice.amount);
  return {
    uuid: invoice.uuid,
    order_id: invoice.orderId,
    amount: invoice.amount,
    currency: invoice.currency,
    payment_amount: paid,
    payment_amount_usd: paid,
    payer_amount: invoice.amount,
    payer_currency: 'USDT',
    network: 'tron',
    address: invoice.address,
    merchant_amount: fees.merchant,
    commission: fees.commission,
    payment_status: status,
    status,
    url: invoice.payUrl,
    expired_at: invoice.expiredAt,
    is_final: isHeleketFinal(status),
    from: disagree ? null : invoice.from,
    txid: disagree ? null : invoice.txid,
    additional_data: invoice.additionalData,
    created_at: invoice.createdAt,
    updated_at: invoice.updatedAt,
  };
}

/** A payment webhook's data (before `sign`), in the order of the spec's test vector. */
function webhookData(invoice: SimInvoice): Record<string, unknown> {
  const fees = feesOf(invoice.paymentAmountUsd);
  return {
    type: 'payment',
    uuid: invoice.uuid,
    order_id: invoice.orderId,
    amount: invoice.amount,
    payment_amount: invoice.paymentAmountUsd,
    payment_amount_usd: invoice.paymentAmountUsd,
    merchant_amount: fees.merchant,
    commission: fees.commission,
    is_final: isHeleketFinal(invoice.status),
    status: invoice.status,
    from: invoice.from,
    wallet_address_uuid: null,
    network: 'tron',
    currency: invoice.currency,
    payer_currency: 'USDT',
    additional_data: invoice.additionalData,
    convert: null,
    txid: invoice.txid,
  };
}

function notifyOptions(value: unknown): NotifyOptions | string {
  if (value === undefined || value === null) return { times: 1, badSignature: false, outOfOrder: false };
  if (!isObject(value)) return 'notify must be an object';
  const times = value.times ?? 1;
  if (!Number.isInteger(times) || (times as number) < 0 || (times as number) > MAX_NOTIFY_TIMES) {
    return `notify.times must be an integer 0–${MAX_NOTIFY_TIMES}`;
  }
  for (const flag of ['badSignature', 'outOfOrder'] as const) {
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean')
      return `notify.${flag} must be a boolean`;
  }
  return {
    times: times as number,
    badSignature: value.badSignature === true,
    outOfOrder: value.outOfOrder === true,
  };
}

function controlView(invoice: SimInvoice): Record<string, unknown> {
  return {
    uuid: invoice.uuid,
    order_id: invoice.orderId,
    amount: invoice.amount,
    currency: invoice.currency,
    status: invoice.status,
    is_final: isHeleketFinal(invoice.status),
    payment_amount_usd: invoice.paymentAmountUsd,
    url_callback: invoice.urlCallback,
    url_return: invoice.urlReturn,
    url_success: invoice.urlSuccess,
    additional_data: invoice.additionalData,
    url: invoice.payUrl,
    expired_at: invoice.expiredAt,
    deliveries: invoice.deliveries.map((d) => ({ ...d, attempts: [...d.attempts] })),
  };
}
