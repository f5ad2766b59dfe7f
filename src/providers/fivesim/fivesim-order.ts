/**
 * 5SIM's Order object (buy, check, finish, cancel and the orders list all return it) → numpool's view.
 * `sms` may be [] or null; ids and prices are numbers; the phone carries a leading "+".
 */
import type { ActivationState, ActivationStatus, ProviderSms } from '../port.ts';
import {
  isRecord,
  malformed,
  readCode,
  readDecimal,
  readId,
  readInstant,
  readPhone,
  readText,
} from '../transport/wire-values.ts';

export interface FivesimOrder {
  ref: string;
  phone: string;
  /** null when 5SIM reports "any" or nothing. */
  operator: string | null;
  cost: string | undefined;
  state: ActivationState;
  messages: ProviderSms[];
}

const CLOSED_STATES: ReadonlyMap<string, ActivationState> = new Map<string, ActivationState>([
  ['CANCELED', 'CANCELED'],
  ['CANCELLED', 'CANCELED'],
  ['TIMEOUT', 'TIMEOUT'],
  ['FINISHED', 'FINISHED'],
  ['BANNED', 'BANNED'],
]);

/** PENDING (preparing) and RECEIVED (waiting for or holding SMS) are both open; the SMS list decides. */
function orderState(status: string, hasSms: boolean): ActivationState | undefined {
  if (status === 'PENDING' || status === 'RECEIVED') return hasSms ? 'RECEIVED' : 'WAITING';
  return CLOSED_STATES.get(status);
}

function parseSms(value: unknown): ProviderSms | undefined {
  if (!isRecord(value)) return undefined;
  const text = value.text === undefined || value.text === null ? '' : readText(value.text);
  if (text === undefined) return undefined;
  return { text, code: readCode(value.code), receivedAt: readInstant(value.created_at ?? value.date) };
}

export function parseOrder(value: unknown, label: string): FivesimOrder {
  const body = () => JSON.stringify(value) ?? String(value);
  if (!isRecord(value)) throw malformed(label, 'an order', body());
  const ref = readId(value.id);
  const phone = readPhone(value.phone);
  const status = typeof value.status === 'string' ? value.status.trim().toUpperCase() : '';
  const rawSms = value.sms ?? [];
  if (ref === undefined || phone === undefined || !Array.isArray(rawSms)) {
    throw malformed(label, 'an order with id, phone and sms', body());
  }
  const messages = rawSms.map(parseSms);
  if (messages.some((sms) => sms === undefined)) throw malformed(label, 'sms items with text', body());
  const state = orderState(status, messages.length > 0);
  if (state === undefined) throw malformed(label, 'a known order status', body());
  const operator = readText(value.operator)?.trim();
  const cost = value.price === undefined || value.price === null ? undefined : readDecimal(value.price);
  return {
    ref,
    phone,
    operator: operator && operator !== 'any' ? operator : null,
    cost,
    state,
    messages: messages as ProviderSms[],
  };
}

export function orderStatus(order: FivesimOrder): ActivationStatus {
  return { ref: order.ref, state: order.state, messages: order.messages };
}

const OPEN: ReadonlySet<ActivationState> = new Set(['WAITING', 'RECEIVED', 'WAITING_RETRY']);

export function isOpenOrder(order: FivesimOrder): boolean {
  return OPEN.has(order.state);
}

/** `{"Data":[<Order>],"Total":3}` (Data may be null) → the orders and the provider's total. */
export function parseOrderList(value: unknown): { orders: FivesimOrder[]; total: number } {
  const label = '5sim user/orders';
  const body = () => JSON.stringify(value) ?? String(value);
  if (!isRecord(value)) throw malformed(label, 'an order list', body());
  const data = value.Data ?? [];
  if (!Array.isArray(data)) throw malformed(label, 'Data as a list', body());
  const orders = data.map((item) => parseOrder(item, label));
  const total =
    typeof value.Total === 'number' && Number.isSafeInteger(value.Total) ? value.Total : orders.length;
  return { orders, total };
}
