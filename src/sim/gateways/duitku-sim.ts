/**
 * The Duitku persona (API v2, specs/payments.md §2): inquiry, transactionStatus and getpaymentmethod,
 * checked and signed as Duitku does, with transactions in memory. Control (JSON, under
 * `/control/duitku`):
 *
 * - `POST /payments/{reference}/pay {resultCode?: '00'|'01', amount?, late?, notify?: {times?, badSignature?,
 *   outOfOrder?}}`: `00` (default) marks the transaction paid with `amount` (default: the requested one),
 *   even a failed or expired one when `late` (a settlement that arrived after Duitku reported it `02`),
 *   `01` marks it failed (status `02`); then POSTs the signed form callback to its callbackUrl — `times`
 *   concurrent copies (default 1, 0 = a lost callback), a wrong signature, or a `01` after the `00`s.
 *   Answers once the callbacks got their answers: `{payment, deliveries: [{resultCode, status, error?}]}`.
 * - `POST /payments/{reference}/expire`: an unpaid transaction becomes `02`.
 * - `POST /faults {down?, statusDisagrees?, amountDisagrees?}` (and `GET /faults`): `down` answers every
 *   wire call 503; `statusDisagrees` makes the status call report a paid transaction as `01` pending,
 *   `amountDisagrees` as paid at half the amount its callback carried.
 * - `GET /payments`, `GET /payments/{reference}`: what the persona holds, with what numpool sent.
 *
 * exportState/restoreState carry the transactions (and the VA number sequence); faults reset on restart.
 */
import { DUITKU_METHODS, duitkuMethodGroup } from '../../payments/duitku/duitku-methods.ts';
import {
  callbackSignature,
  type DuitkuKeys,
  inquirySignature,
  paymentMethodsSignature,
  signatureMatches,
  statusSignature,
} from '../../payments/duitku/duitku-signature.ts';
import { json, type Reply } from '../http-io.ts';
import { methodFee, newReference, qrisPayload, vaNumber } from './duitku-sim-codes.ts';
import type { GatewaySim, GatewaySimRequest } from './gateway-sim.ts';
import { copyOf, isSaved, savedList } from './saved-state.ts';

type StatusCode = '00' | '01' | '02';

export interface DuitkuSimTransaction {
  reference: string;
  merchantOrderId: string;
  paymentAmount: number;
  paymentMethod: string;
  statusCode: StatusCode;
  /** Set once paid: what the callback and the status call report. */
  paidAmount: number | null;
  paymentUrl: string;
  qrString: string;
  vaNumber: string;
  callbackUrl: string;
  returnUrl: string;
  expiresAt: string;
  createdAt: string;
  /** The inquiry body as numpool sent it (signature included, no key). */
  request: Record<string, unknown>;
}

export interface DuitkuSimFaults {
  down: boolean;
  statusDisagrees: boolean;
  amountDisagrees: boolean;
}

const DEFAULT_EXPIRY_MINUTES = 60 * 24;
const CALLBACK_TIMEOUT_MS = 10_000;
const STATUS_MESSAGE: Record<StatusCode, string> = { '00': 'SUCCESS', '01': 'PENDING', '02': 'FAILED' };

const message = (text: string, status: number) => json({ Message: text }, status);

export function duitkuSim(options: DuitkuKeys & { now?: () => number }): GatewaySim {
  const keys: DuitkuKeys = { merchantCode: options.merchantCode, apiKey: options.apiKey };
  const now = options.now ?? Date.now;
  const byReference = new Map<string, DuitkuSimTransaction>();
  const byOrderId = new Map<string, DuitkuSimTransaction>();
  const faults: DuitkuSimFaults = { down: false, statusDisagrees: false, amountDisagrees: false };
  const inFlight = new Set<AbortController>();
  let vaSequence = 0;

  /** Unpaid transactions lapse when their expiryPeriod runs out. */
  const current = (tx: DuitkuSimTransaction) => {
    if (tx.statusCode === '01' && now() > Date.parse(tx.expiresAt)) tx.statusCode = '02';
    return tx;
  };

  /** The shared checks of every wire call: a JSON object, the fields, a known merchant. */
  const parse = (request: GatewaySimRequest, required: string[], merchantFields = ['merchantCode']) => {
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return { error: message('Invalid JSON body', 400) };
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return { error: message('Invalid JSON body', 400) };
    const fields = body as Record<string, unknown>;
    const merchantField = merchantFields.find((name) => fields[name] !== undefined) ?? merchantFields[0]!;
    for (const name of [merchantField, ...required]) {
      const value = fields[name];
      if (value === undefined || value === null || value === '')
        return { error: message(`${name} is required`, 400) };
    }
    if (fields[merchantField] !== keys.merchantCode) return { error: message('Merchant not found', 404) };
    return { fields };
  };

  const amountOf = (value: unknown): number | null => {
    const digits = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
    return /^[1-9]\d{0,14}$/.test(digits) ? Number(digits) : null;
  };

  const inquiry = (request: GatewaySimRequest): Reply => {
    const required = ['paymentAmount', 'paymentMethod', 'merchantOrderId', 'productDetails', 'email'];
    const { fields, error } = parse(request, [...required, 'callbackUrl', 'returnUrl', 'signature']);
    if (error) return error;
    const amount = amountOf(fields.paymentAmount);
    if (amount === null) return message('paymentAmount must be a whole number of rupiah', 400);
    const orderId = String(fields.merchantOrderId);
    if (orderId.length > 50) return message('merchantOrderId is longer than 50 characters', 400);
    const expected = inquirySignature(keys, { merchantOrderId: orderId, paymentAmount: String(amount) });
    if (!signatureMatches(expected, String(fields.signature))) return message('Wrong signature', 401);
    const method = String(fields.paymentMethod);
    const group = duitkuMethodGroup(method);
    if (!group) return message('Payment channel not available', 400);
    if (group === 'va' && !fields.customerVaName) return message('customerVaName is required', 400);
    if (Array.isArray(fields.itemDetails)) {
      const total = fields.itemDetails.reduce(
        (sum: number, item: { price?: unknown; quantity?: unknown }) =>
          sum + Number(item?.price ?? 0) * Number(item?.quantity ?? 1),
        0,
      );
      if (total !== amount) return message('Total price of itemDetails does not match paymentAmount', 400);
    }
    const known = byOrderId.get(orderId);
    if (known) {
      // A retried inquiry (numpool timed out on the first) gets the same transaction back.
      if (known.paymentAmount !== amount || known.paymentMethod !== method)
        return message('Duplicate merchantOrderId', 409);
      return json(inquiryAnswer(known));
    }
    const reference = newReference(keys.merchantCode);
    const expiryMinutes = amountOf(fields.expiryPeriod) ?? DEFAULT_EXPIRY_MINUTES;
    const host = request.headers.host ?? '127.0.0.1';
    const tx: DuitkuSimTransaction = {
      reference,
      merchantOrderId: orderId,
      paymentAmount: amount,
      paymentMethod: method,
      statusCode: '01',
      paidAmount: null,
      paymentUrl: `http://${host}/duitku/topup/v2/pay?reference=${reference}`,
      qrString: group === 'qris' ? qrisPayload({ reference, merchantOrderId: orderId, amount }) : '',
      vaNumber: group === 'va' ? vaNumber(++vaSequence) : '',
      callbackUrl: String(fields.callbackUrl),
      returnUrl: String(fields.returnUrl),
      createdAt: new Date(now()).toISOString(),
      expiresAt: new Date(now() + expiryMinutes * 60_000).toISOString(),
      request: fields,
    };
    byReference.set(reference, tx);
    byOrderId.set(orderId, tx);
    return json(inquiryAnswer(tx));
  };

  const inquiryAnswer = (tx: DuitkuSimTransaction) => ({
    merchantCode: keys.merchantCode,
    reference: tx.reference,
    paymentUrl: tx.paymentUrl,
    vaNumber: tx.vaNumber,
    qrString: tx.qrString,
    amount: String(tx.paymentAmount),
    statusCode: '00',
    statusMessage: 'SUCCESS',
  });

  const transactionStatus = (request: GatewaySimRequest): Reply => {
    const { fields, error } = parse(request, ['merchantOrderId', 'signature']);
    if (error) return error;
    const orderId = String(fields.merchantOrderId);
    if (!signatureMatches(statusSignature(keys, { merchantOrderId: orderId }), String(fields.signature)))
      return message('Wrong signature', 401);
    const tx = byOrderId.get(orderId);
    if (!tx) return message('Transaction not found', 404);
    let statusCode = current(tx).statusCode;
    if (faults.statusDisagrees && statusCode === '00') statusCode = '01';
    const amount = tx.paidAmount ?? tx.paymentAmount;
    return json({
      merchantOrderId: tx.merchantOrderId,
      reference: tx.reference,
      // The disagreeing amount: half of what the callback said was paid.
      amount: String(faults.amountDisagrees && statusCode === '00' ? Math.floor(amount / 2) : amount),
      fee: '0.00',
      statusCode,
      statusMessage: STATUS_MESSAGE[statusCode],
    });
  };

  const paymentMethods = (request: GatewaySimRequest): Reply => {
    // Official samples spell the key both ways; Duitku takes either.
    const { fields, error } = parse(
      request,
      ['amount', 'datetime', 'signature'],
      ['merchantcode', 'merchantCode'],
    );
    if (error) return error;
    const amount = amountOf(fields.amount);
    if (amount === null) return message('amount must be a whole number of rupiah', 400);
    const datetime = String(fields.datetime);
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(datetime))
      return message('datetime must be YYYY-MM-DD HH:mm:ss', 400);
    const expected = paymentMethodsSignature(keys, { amount: String(amount), datetime });
    if (!signatureMatches(expected, String(fields.signature))) return message('Wrong signature', 401);
    const host = request.headers.host ?? '127.0.0.1';
    return json({
      paymentFee: DUITKU_METHODS.map((m) => ({
        paymentMethod: m.code,
        paymentName: m.name,
        paymentImage: `http://${host}/duitku/images/${m.code}.png`,
        totalFee: methodFee(m.group, amount),
      })),
      responseCode: '00',
      responseMessage: 'SUCCESS',
    });
  };

  const callbackBody = (tx: DuitkuSimTransaction, resultCode: string, badSignature: boolean) => {
    const amount = String(tx.paidAmount ?? tx.paymentAmount);
    const signingKeys = badSignature ? { ...keys, apiKey: `${keys.apiKey}-not-it` } : keys;
    const text = (name: string) => (typeof tx.request[name] === 'string' ? (tx.request[name] as string) : '');
    return new URLSearchParams([
      ['merchantCode', keys.merchantCode],
      ['amount', amount],
      ['merchantOrderId', tx.merchantOrderId],
      ['productDetail', text('productDetails')],
      ['additionalParam', text('additionalParam')],
      ['paymentCode', tx.paymentMethod],
      ['resultCode', resultCode],
      ['merchantUserId', text('merchantUserInfo')],
      ['reference', tx.reference],
      ['spUserHash', ''],
      ['signature', callbackSignature(signingKeys, { amount, merchantOrderId: tx.merchantOrderId })],
    ]).toString();
  };

  const deliver = async (tx: DuitkuSimTransaction, resultCode: string, badSignature: boolean) => {
    const controller = new AbortController();
    inFlight.add(controller);
    try {
      const response = await fetch(tx.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: callbackBody(tx, resultCode, badSignature),
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      return { resultCode, status: response.status };
    } catch (error) {
      return { resultCode, status: null, error: error instanceof Error ? error.message : String(error) };
    } finally {
      inFlight.delete(controller);
    }
  };

  const pay = async (tx: DuitkuSimTransaction, body: Record<string, unknown>): Promise<Reply> => {
    const resultCode = body.resultCode ?? '00';
    if (resultCode !== '00' && resultCode !== '01')
      return json({ error: 'resultCode must be 00 or 01' }, 400);
    const amount = body.amount === undefined ? tx.paymentAmount : amountOf(body.amount);
    if (amount === null) return json({ error: 'amount must be a positive integer' }, 400);
    const notify = (body.notify ?? {}) as { times?: unknown; badSignature?: unknown; outOfOrder?: unknown };
    const times = notify.times === undefined ? 1 : Number(notify.times);
    if (!Number.isInteger(times) || times < 0 || times > 20)
      return json({ error: 'notify.times must be 0-20' }, 400);
    if (body.late !== undefined && typeof body.late !== 'boolean')
      return json({ error: 'late must be a boolean' }, 400);
    // A late settlement: money that reached Duitku after it reported the transaction failed or expired.
    const late = body.late === true && resultCode === '00' && current(tx).statusCode === '02';
    if (current(tx).statusCode === '02' && !late)
      return json({ error: 'transaction is failed or expired' }, 409);
    // Only a pending transaction changes; paying again re-sends the callbacks of what happened.
    if (late) {
      tx.statusCode = '00';
      tx.paidAmount = amount;
    } else if (tx.statusCode === '01') {
      if (resultCode === '00') {
        tx.statusCode = '00';
        tx.paidAmount = amount;
      } else tx.statusCode = '02';
    }
    const badSignature = notify.badSignature === true;
    const deliveries = await Promise.all(
      Array.from({ length: times }, () => deliver(tx, resultCode, badSignature)),
    );
    if (notify.outOfOrder === true) deliveries.push(await deliver(tx, '01', badSignature));
    return json({ payment: tx, deliveries });
  };

  const readControlBody = (request: GatewaySimRequest): Record<string, unknown> | null => {
    if (request.body.trim() === '') return {};
    try {
      const value: unknown = JSON.parse(request.body);
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  };

  return {
    prefix: 'duitku',

    async handle(request) {
      const path = request.path.split('?')[0];
      if (request.method === 'GET' && path === '/topup/v2/pay') {
        const reference = new URLSearchParams(request.path.split('?')[1] ?? '').get('reference') ?? '';
        const tx = byReference.get(reference);
        if (!tx) return message('Transaction not found', 404);
        return {
          status: 200,
          contentType: 'text/html; charset=utf-8',
          body: `<!doctype html><title>Duitku (simulated)</title><p>Transaction ${tx.reference}: IDR ${tx.paymentAmount}, status ${current(tx).statusCode}</p>`,
        };
      }
      if (faults.down) return message('Service Unavailable', 503);
      if (request.method !== 'POST') return message('Method not allowed', 405);
      if (path === '/webapi/api/merchant/v2/inquiry') return inquiry(request);
      if (path === '/webapi/api/merchant/transactionStatus') return transactionStatus(request);
      if (path === '/webapi/api/merchant/paymentmethod/getpaymentmethod') return paymentMethods(request);
      return message('Not found', 404);
    },

    async control(request) {
      const path = request.path.split('?')[0] ?? '/';
      if (request.method === 'GET' && path === '/payments')
        return json({ payments: [...byReference.values()].map(current) });
      if (request.method === 'GET' && path === '/faults') return json(faults);
      const body = readControlBody(request);
      if (request.method === 'POST' && path === '/faults') {
        if (!body) return json({ error: 'body must be a JSON object' }, 400);
        if (typeof body.down === 'boolean') faults.down = body.down;
        if (typeof body.statusDisagrees === 'boolean') faults.statusDisagrees = body.statusDisagrees;
        if (typeof body.amountDisagrees === 'boolean') faults.amountDisagrees = body.amountDisagrees;
        return json(faults);
      }
      const match = path.match(/^\/payments\/([^/]+)(?:\/(pay|expire))?$/);
      const tx = match ? byReference.get(decodeURIComponent(match[1]!)) : undefined;
      if (!match || !tx) return json({ error: `nothing at ${path}` }, 404);
      const action = match[2];
      if (request.method === 'GET' && !action) return json(current(tx));
      if (request.method !== 'POST' || !action) return json({ error: 'method not allowed' }, 405);
      if (!body) return json({ error: 'body must be a JSON object' }, 400);
      if (action === 'pay') return pay(tx, body);
      if (current(tx).statusCode === '00') return json({ error: 'transaction is paid' }, 409);
      tx.statusCode = '02';
      return json(tx);
    },

    close() {
      for (const controller of inFlight) controller.abort();
      inFlight.clear();
    },

    exportState() {
      return { transactions: [...byReference.values()], vaSequence };
    },

    restoreState(state) {
      const saved = savedList(state, 'transactions', ['reference', 'merchantOrderId', 'paymentMethod']);
      for (const tx of saved) {
        const known = ['00', '01', '02'].includes(tx.statusCode as string);
        if (!known || typeof tx.paymentAmount !== 'number' || !isSaved(tx.request))
          throw new Error(`saved transaction ${String(tx.reference)} lacks its status, amount or request`);
      }
      const sequence = (state as { vaSequence?: unknown }).vaSequence;
      byReference.clear();
      byOrderId.clear();
      for (const tx of copyOf<DuitkuSimTransaction[]>(saved)) {
        byReference.set(tx.reference, tx);
        byOrderId.set(tx.merchantOrderId, tx);
      }
      vaSequence = Number.isSafeInteger(sequence) ? (sequence as number) : saved.length;
    },
  };
}
