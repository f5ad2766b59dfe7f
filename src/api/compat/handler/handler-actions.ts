/**
 * The handler protocol's actions, each a translation onto numpool's domain verbs: codes to ids, USD to
 * IDR and back, order states to the protocol's status words. No business rule lives here.
 */
import type { ApiScope } from '../../../accounts/api-scopes.ts';
import type { Principal } from '../../../accounts/authenticate-api-key.ts';
import type { AppContext } from '../../../app-context.ts';
import { cheapestOffers } from '../../../catalog/cheapest-offers.ts';
import { findCatalogProductId, findCountry, findOperatorId } from '../../../catalog/find-catalog-entry.ts';
import { listCountries } from '../../../catalog/list-countries.ts';
import { listServices } from '../../../catalog/list-services.ts';
import { getBalance } from '../../../ledger/get-balance.ts';
import { cancelOrder } from '../../../orders/cancel-order.ts';
import { createOrders } from '../../../orders/create-orders.ts';
import { finishOrder } from '../../../orders/finish-order.ts';
import { listOrderHistory } from '../../../orders/list-orders.ts';
import { OPEN_STATUSES, type OrderRecord } from '../../../orders/order.ts';
import { readOrder } from '../../../orders/read-order.ts';
import { resendOrder } from '../../../orders/resend-order.ts';
import { isDecimalString, usdToIdrBound } from '../../../platform/money.ts';
import { getUsdRate } from '../../../pricing/exchange-rate.ts';
import { spendingKeyOf } from '../../plugins/api-key-auth.ts';
import { HandlerError } from './handler-reply.ts';
import { handlerTime, intParam, safeCode, USD_CODE, usd, usdPrice } from './handler-values.ts';

export type Params = Record<string, string | undefined>;
export type Answer = { text: string } | { json: unknown };

export interface ActionContext {
  ctx: AppContext;
  params: Params;
  principal: Principal | undefined;
}

export interface Action {
  /** Served without a key (catalog reads, as the original does). */
  public?: boolean;
  /** What the key must allow; every keyed action names one (checked below, at load). */
  scope?: ApiScope;
  run(a: ActionContext & { principal: Principal }): Promise<Answer>;
  /**
   * The answer depends only on the catalog and on these parameters (not on who asks), so it may be kept
   * rendered per catalog version; money says its bytes also depend on the USD rate.
   */
  cached?: { key(params: Params): string; money: boolean };
}

const byParams =
  (...names: string[]) =>
  (params: Params) =>
    names.map((name) => params[name] ?? '').join('|');

const rate = async (ctx: AppContext) => (await getUsdRate({ ctx })).rate;

function orderId(params: Params): number {
  const id = intParam(params.id);
  if (id === undefined || id <= 0) throw new HandlerError('NO_ACTIVATION', 'id must be an activation id');
  return id;
}

async function ownOrder(a: ActionContext & { principal: Principal }): Promise<OrderRecord> {
  return readOrder({ ctx: a.ctx, input: { orderId: orderId(a.params), accountId: a.principal.accountId } });
}

/** getStatus words: waiting, code received, waiting for another code, or closed without one. */
export function statusLine(order: OrderRecord): string {
  switch (order.status) {
    case 'ACTIVE':
      if (order.smsRevision === 0) return 'STATUS_WAIT_CODE';
      return order.otpCode ? `STATUS_WAIT_RETRY:${safeCode(order.otpCode)}` : 'STATUS_WAIT_RESEND';
    case 'OTP_RECEIVED':
    case 'COMPLETED':
      return order.smsRevision > 0
        ? `STATUS_OK:${safeCode(order.otpCode ?? order.otpMessage)}`
        : 'STATUS_CANCEL';
    default:
      return 'STATUS_CANCEL';
  }
}

/** getActiveActivations' activationStatus: 4 waiting, 2 code received, 3 waiting for another code. */
function activationStatus(order: OrderRecord): string {
  if (order.status === 'OTP_RECEIVED') return '2';
  return order.smsRevision > 0 ? '3' : '4';
}

/** phoneException: a CSV of number prefixes (digits with country code) not to be given. */
function phoneExceptions(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const prefixes = value.split(',').map((p) => p.trim().replace(/^\+/, ''));
  if (prefixes.some((p) => !/^\d{1,15}$/.test(p))) {
    throw new HandlerError('BAD_ACTION', 'phoneException is a comma-separated list of number prefixes');
  }
  return prefixes;
}

async function rent(a: ActionContext & { principal: Principal }) {
  const { ctx, params } = a;
  const snapshot = await ctx.catalogCache.get(ctx);
  const service = params.service ?? '';
  const platformId = snapshot.platformByHandlerCode.get(service);
  if (platformId === undefined) throw new HandlerError('BAD_SERVICE', `unknown service ${service}`);
  const countryId = params.country === undefined ? 0 : intParam(params.country);
  const country = countryId === undefined ? undefined : await findCountry({ ctx, input: { countryId } });
  if (!country) throw new HandlerError('BAD_COUNTRY', `unknown country ${params.country}`);

  const usdRate = await rate(ctx);
  const maxText = params.maxPrice ?? params.max_price;
  let maxPrice: number | undefined;
  if (maxText !== undefined && maxText !== '') {
    if (!isDecimalString(maxText)) throw new HandlerError('WRONG_MAX_PRICE', 'maxPrice is not a price', '0');
    maxPrice = usdToIdrBound(maxText, usdRate, 'max');
    const offers = await cheapestOffers({ ctx, input: { countryId: country.id, serviceCode: service } });
    const cheapest = Math.min(...offers.map((o) => o.price));
    if (Number.isFinite(cheapest) && maxPrice < cheapest) {
      throw new HandlerError('WRONG_MAX_PRICE', 'maxPrice is below every offer', usdPrice(cheapest, usdRate));
    }
  }
  const catalogProductId = await findCatalogProductId({ ctx, input: { countryId: country.id, platformId } });
  if (catalogProductId === undefined) throw new HandlerError('NO_NUMBERS', 'nothing offered here');
  const operatorCode = params.operator?.split(',')[0]?.trim();
  const operatorId =
    operatorCode && operatorCode !== 'any'
      ? await findOperatorId({ ctx, input: { countryId: country.id, code: operatorCode } })
      : undefined;
  if (operatorCode && operatorCode !== 'any' && operatorId === undefined) {
    throw new HandlerError('NO_NUMBERS', `no numbers of operator ${operatorCode}`);
  }
  const created = await createOrders({
    ctx,
    input: {
      accountId: a.principal.accountId,
      apiKey: spendingKeyOf(a.principal),
      catalogProductId,
      operatorId,
      maxPrice,
      excludePrefixes: phoneExceptions(params.phoneException),
      fingerprint: { surface: 'handler', nonce: crypto.randomUUID() },
    },
  });
  const order = created.orders[0];
  if (!order) throw new HandlerError('NO_NUMBERS', 'no number');
  return { order, country, usdRate };
}

export const ACTIONS: Record<string, Action> = {
  getBalance: {
    scope: 'read',
    run: async ({ ctx, principal }) => {
      const { available } = await getBalance({ ctx, input: { accountId: principal.accountId } });
      return { text: `ACCESS_BALANCE:${usd(available, await rate(ctx), 2)}` };
    },
  },
  getNumber: {
    scope: 'orders',
    run: async (a) => {
      const { order } = await rent(a);
      return { text: `ACCESS_NUMBER:${order.id}:${order.phone}` };
    },
  },
  getNumberV2: {
    scope: 'orders',
    run: async (a) => {
      const { order, country, usdRate } = await rent(a);
      // The rental runs from when the number was handed over, so end − start is exactly the rental period.
      const started = new Date(order.activatedAt ?? order.createdAt);
      return {
        json: {
          activationId: String(order.id),
          phoneNumber: order.phone,
          activationCost: usd(order.amount, usdRate),
          currency: USD_CODE,
          countryCode: String(country.id),
          countryPhoneCode: country.dialCode,
          canGetAnotherSms: true,
          activationTime: handlerTime(started),
          activationEndTime: handlerTime(order.expiresAt ? new Date(order.expiresAt) : null),
          activationOperator: order.operatorName ?? 'any',
        },
      };
    },
  },
  getStatus: {
    scope: 'read',
    run: async (a) => ({ text: statusLine(await ownOrder(a)) }),
  },
  getStatusV2: {
    scope: 'read',
    run: async (a) => {
      const order = await ownOrder(a);
      if (order.status === 'CANCELED' || order.status === 'EXPIRED') return { text: 'STATUS_CANCEL' };
      const sms =
        order.smsRevision > 0
          ? {
              dateTime: handlerTime(order.otpReceivedAt),
              code: safeCode(order.otpCode),
              text: order.otpMessage ?? '',
            }
          : null;
      return { json: { verificationType: 0, sms, call: null } };
    },
  },
  getFullSms: {
    scope: 'read',
    run: async (a) => {
      const order = await ownOrder(a);
      if (order.status === 'CANCELED' || order.status === 'EXPIRED') return { text: 'STATUS_CANCEL' };
      return { text: order.smsRevision > 0 ? `FULL_SMS:${order.otpMessage ?? ''}` : 'STATUS_WAIT_CODE' };
    },
  },
  setStatus: {
    scope: 'orders',
    run: async (a) => {
      const id = orderId(a.params);
      const input = { accountId: a.principal.accountId, orderId: id };
      switch (a.params.status?.trim()) {
        case '1':
          await ownOrder(a);
          return { text: 'ACCESS_READY' };
        case '3':
          await resendOrder({ ctx: a.ctx, input });
          return { text: 'ACCESS_RETRY_GET' };
        case '6':
          await finishOrder({ ctx: a.ctx, input });
          return { text: 'ACCESS_ACTIVATION' };
        case '8':
        case '-1':
          await cancelOrder({ ctx: a.ctx, input });
          return { text: 'ACCESS_CANCEL' };
        default:
          await ownOrder(a);
          throw new HandlerError('BAD_STATUS', 'status must be 1, 3, 6 or 8');
      }
    },
  },
  getActiveActivations: {
    scope: 'read',
    run: async ({ ctx, params, principal }) => {
      const usdRate = await rate(ctx);
      const orders = await listOrderHistory({
        ctx,
        input: {
          accountId: principal.accountId,
          statuses: OPEN_STATUSES,
          limit: intParam(params.limit),
          offset: intParam(params.start),
        },
      });
      if (orders.length === 0) return { json: { status: 'error', error: 'NO_ACTIVATIONS' } };
      return {
        json: {
          status: 'success',
          activeActivations: orders.map((o) => ({
            activationId: String(o.id),
            serviceCode: o.handlerCode,
            phoneNumber: o.phone,
            activationCost: usd(o.amount, usdRate),
            activationStatus: activationStatus(o),
            smsCode: o.otpCode === null ? null : safeCode(o.otpCode),
            smsText: o.otpMessage,
            activationTime: handlerTime(o.createdAt),
            discount: '0.00',
            repeated: '0',
            countryCode: String(o.countryId),
            countryName: o.countryName,
            canGetAnotherSms: '1',
            currency: String(USD_CODE),
          })),
        },
      };
    },
  },
  getHistory: {
    scope: 'read',
    run: async ({ ctx, params, principal }) => {
      const usdRate = await rate(ctx);
      // start and end are Unix seconds, both inclusive: end covers its whole second.
      const from = intParam(params.start);
      const to = intParam(params.end);
      const orders = await listOrderHistory({
        ctx,
        input: {
          accountId: principal.accountId,
          createdFrom: from === undefined ? undefined : new Date(from * 1000),
          createdBefore: to === undefined ? undefined : new Date((to + 1) * 1000),
          limit: intParam(params.size),
          offset: intParam(params.offset),
        },
      });
      const code: Record<string, string> = {
        ACTIVE: '4',
        OTP_RECEIVED: '2',
        COMPLETED: '6',
        CANCELED: '8',
        EXPIRED: '8',
      };
      return {
        json: orders.map((o) => ({
          id: String(o.id),
          date: handlerTime(o.createdAt),
          phone: o.phone,
          sms: o.otpMessage,
          cost: Number(usd(o.amount, usdRate)),
          status: code[o.status] ?? '8',
          currency: USD_CODE,
        })),
      };
    },
  },
  getPrices: {
    scope: 'read',
    cached: { key: byParams('service', 'country'), money: true },
    run: async ({ ctx, params }) => {
      const snapshot = await ctx.catalogCache.get(ctx);
      if (params.service !== undefined && !snapshot.platformByHandlerCode.has(params.service)) {
        return { json: { status: 'false', msg: 'service is incorrect' } };
      }
      const countryId = params.country === undefined ? undefined : intParam(params.country);
      if (
        params.country !== undefined &&
        (countryId === undefined || !(await findCountry({ ctx, input: { countryId } })))
      ) {
        return { json: { status: 'false', msg: 'country is incorrect' } };
      }
      const usdRate = await rate(ctx);
      const prices: Record<
        string,
        Record<string, { cost: number; count: number; physicalCount: number }>
      > = {};
      for (const offer of await cheapestOffers({ ctx, input: { countryId, serviceCode: params.service } })) {
        prices[offer.countryId] ??= {};
        prices[offer.countryId]![offer.serviceCode] = {
          cost: Number(usdPrice(offer.price, usdRate)),
          count: offer.count,
          physicalCount: offer.count,
        };
      }
      return { json: prices };
    },
  },
  getNumbersStatus: {
    scope: 'read',
    cached: { key: byParams('country'), money: false },
    run: async ({ ctx, params }) => {
      const countryId = params.country === undefined ? 0 : (intParam(params.country) ?? -1);
      const counts: Record<string, string> = {};
      for (const offer of await cheapestOffers({ ctx, input: { countryId } })) {
        counts[`${offer.serviceCode}_0`] = String(offer.count);
      }
      return { json: counts };
    },
  },
  getTopCountriesByService: {
    scope: 'read',
    run: async ({ ctx, params }) => {
      const snapshot = await ctx.catalogCache.get(ctx);
      const service = params.service ?? '';
      if (!snapshot.platformByHandlerCode.has(service))
        throw new HandlerError('BAD_SERVICE', `unknown service ${service}`);
      const usdRate = await rate(ctx);
      const offers = (await cheapestOffers({ ctx, input: { serviceCode: service } })).sort(
        (x, y) => y.count - x.count,
      );
      return {
        json: Object.fromEntries(
          offers.map((o, i) => {
            const price = Number(usdPrice(o.price, usdRate));
            return [String(i), { country: o.countryId, count: o.count, price, retail_price: price }];
          }),
        ),
      };
    },
  },
  getCountries: {
    public: true,
    cached: { key: () => '', money: false },
    run: async ({ ctx }) => ({
      json: Object.fromEntries(
        (await listCountries({ ctx })).map((c) => [
          String(c.id),
          { id: c.id, rus: c.name, eng: c.name, chn: c.name, visible: c.active ? 1 : 0, retry: 1, rent: 0 },
        ]),
      ),
    }),
  },
  getServicesList: {
    public: true,
    cached: { key: byParams('country'), money: false },
    run: async ({ ctx, params }) => {
      const countryId = params.country === undefined ? undefined : intParam(params.country);
      const services = await listServices({ ctx, input: { countryId } });
      return {
        json: { status: 'success', services: services.map((s) => ({ code: s.handlerCode, name: s.name })) },
      };
    },
  },
  getOperators: {
    public: true,
    cached: { key: byParams('country'), money: false },
    run: async ({ ctx, params }) => {
      const snapshot = await ctx.catalogCache.get(ctx);
      const countryId = params.country === undefined ? undefined : intParam(params.country);
      const rows = countryId === undefined ? snapshot.products : (snapshot.byCountry.get(countryId) ?? []);
      const byCountry: Record<string, Set<string>> = {};
      for (const row of rows) {
        if (!row.operatorCode) continue;
        byCountry[row.countryId] ??= new Set();
        byCountry[row.countryId]!.add(row.operatorCode);
      }
      if (Object.keys(byCountry).length === 0)
        return { json: { status: 'error', error: 'OPERATORS_NOT_FOUND' } };
      return {
        json: {
          status: 'success',
          countryOperators: Object.fromEntries(
            Object.entries(byCountry).map(([id, set]) => [id, [...set].sort()]),
          ),
        },
      };
    },
  },
};

const notAvailable = (scope: ApiScope): Action => ({
  scope,
  run: async () => {
    throw new HandlerError('NOT_AVAILABLE', 'rentals are not offered');
  },
});
for (const name of ['getRentServicesAndCountries', 'getRentStatus', 'getRentList']) {
  ACTIONS[name] = notAvailable('read');
}
for (const name of ['getRentNumber', 'setRentStatus', 'continueRentNumber']) {
  ACTIONS[name] = notAvailable('orders');
}
ACTIONS.getBalanceAndCashBack = ACTIONS.getBalance!;

// A keyed action without a scope would be open to every key: refuse to start instead.
for (const [name, action] of Object.entries(ACTIONS)) {
  if (!action.public && !action.scope) throw new Error(`handler action ${name} names no scope`);
}
