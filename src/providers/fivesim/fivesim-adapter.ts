/**
 * ProviderAdapter for 5SIM API v1. Countries and products travel as slugs (translated through the
 * catalog), operators as 5SIM's own codes ("any" = numpool's null). 5SIM has no "send another SMS": an
 * activation stays open and later SMS show up in user/check, so requestAnotherSms succeeds without a call.
 * 5SIM has no phone-prefix exclusion either: a bought number on an excluded prefix is cancelled at once and
 * reported as NO_NUMBERS. And 5SIM says "no free phones" when maxPrice is below every price; the adapter
 * then looks at the public prices and, if numbers exist above maxPrice, reports BAD_REQUEST with the lowest
 * price — what handler providers say with WRONG_MAX_PRICE — so the router can tell "too cheap" from "empty".
 */
import Big from 'big.js';
import {
  type AcquiredNumber,
  type AcquireRequest,
  type ActivationStatus,
  type AdapterOptions,
  type ProviderAdapter,
  ProviderError,
} from '../port.ts';
import { digitPrefixes, requestedOperator } from '../transport/request-values.ts';
import { isRecord, malformed, readAmount, readDecimal, readId } from '../transport/wire-values.ts';
import { callFivesim, type FivesimQuery, fivesimPath } from './fivesim-call.ts';
import { type FivesimOrder, isOpenOrder, orderStatus, parseOrder, parseOrderList } from './fivesim-order.ts';
import { type OfferFilter, parseFivesimOperators, parseFivesimPrices } from './fivesim-prices.ts';

const ORDERS_PAGE_SIZE = 100;
const ORDERS_MAX_PAGES = 10;

function orderId(ref: string): string {
  const id = readId(ref);
  if (id === undefined)
    throw new ProviderError('NOT_FOUND', `5sim: ${JSON.stringify(ref)} is not an order id`);
  return id;
}

export function createFivesimAdapter(options: AdapterOptions): ProviderAdapter {
  const { codes } = options;
  const endpoint = { baseUrl: options.baseUrl, credential: options.credential, timeoutMs: options.timeoutMs };
  const call = (path: string, query?: FivesimQuery) => callFivesim(endpoint, path, query);

  async function orderAction(action: 'check' | 'finish' | 'cancel', ref: string): Promise<FivesimOrder> {
    return parseOrder(await call(fivesimPath('user', action, orderId(ref))), `5sim user/${action}`);
  }

  function buyPath(request: AcquireRequest): string {
    const country = codes.slugByCountry.get(request.countryId);
    const product = codes.slugByPlatform.get(request.platformId);
    if (country === undefined)
      throw new ProviderError('BAD_REQUEST', `5sim: no slug for country ${request.countryId}`);
    if (product === undefined) {
      throw new ProviderError('BAD_REQUEST', `5sim: no product for platform ${request.platformId}`);
    }
    const operator = requestedOperator(request.operator) ?? 'any';
    return fivesimPath('user', 'buy', 'activation', country, operator, product);
  }

  /** After "no free phones" at a maxPrice: BAD_REQUEST when numbers exist, only dearer; else the original. */
  async function explainNoNumbers(
    request: AcquireRequest,
    maxPrice: string,
    error: unknown,
  ): Promise<unknown> {
    if (!(error instanceof ProviderError) || error.kind !== 'NO_NUMBERS') return error;
    try {
      const prices = await call('guest/prices', {
        country: codes.slugByCountry.get(request.countryId),
        product: codes.slugByPlatform.get(request.platformId),
      });
      const filter = { countryId: request.countryId, platformId: request.platformId };
      const wanted = requestedOperator(request.operator);
      const costs = parseFivesimPrices(prices, codes, filter)
        .offers.filter((o) => o.available > 0 && (wanted === null || o.operator === wanted))
        .map((o) => new Big(o.cost));
      const lowest = costs.reduce<Big | undefined>(
        (min, c) => (min === undefined || c.lt(min) ? c : min),
        undefined,
      );
      if (lowest === undefined || lowest.lte(maxPrice)) return error;
      return new ProviderError(
        'BAD_REQUEST',
        `5sim user/buy: no free phones at maxPrice ${maxPrice}; lowest price ${lowest.toFixed()}`,
        { providerCode: error.providerCode, cause: error },
      );
    } catch {
      return error;
    }
  }

  return {
    kind: 'fivesim',

    async getBalance() {
      const profile = await call('user/profile');
      const amount = isRecord(profile) ? readAmount(profile.balance) : undefined;
      if (amount === undefined)
        throw malformed('5sim user/profile', 'a balance', JSON.stringify(profile) ?? '');
      return { amount, currency: options.currency };
    },

    async listOffers(filter: OfferFilter = {}) {
      const country = filter.countryId === undefined ? undefined : codes.slugByCountry.get(filter.countryId);
      const product =
        filter.platformId === undefined ? undefined : codes.slugByPlatform.get(filter.platformId);
      const unmapped =
        (filter.countryId !== undefined && country === undefined) ||
        (filter.platformId !== undefined && product === undefined);
      if (unmapped) return { offers: [], unknownCodes: [] };
      return parseFivesimPrices(await call('guest/prices', { country, product }), codes, filter);
    },

    async listOperators(countryId: number) {
      const country = codes.slugByCountry.get(countryId);
      if (country === undefined) return [];
      return parseFivesimOperators(await call('guest/prices', { country }), country);
    },

    async acquireNumber(request: AcquireRequest): Promise<AcquiredNumber> {
      const path = buyPath(request);
      const maxPrice = request.maxCost === undefined ? undefined : readDecimal(request.maxCost);
      if (request.maxCost !== undefined && maxPrice === undefined) {
        throw new ProviderError(
          'BAD_REQUEST',
          `5sim: maxCost ${JSON.stringify(request.maxCost)} is not a decimal`,
        );
      }
      const bought = await call(path, { maxPrice }).catch(async (error: unknown) => {
        throw maxPrice === undefined ? error : await explainNoNumbers(request, maxPrice, error);
      });
      const order = parseOrder(bought, '5sim user/buy');
      const excluded = digitPrefixes(request.excludePrefixes).find((p) => order.phone.startsWith(p));
      if (excluded !== undefined) {
        // Best effort: if the cancel fails too, the unused order times out at 5SIM and is refunded there.
        const canceled = await orderAction('cancel', order.ref).then(
          () => 'cancelled',
          () => 'cancel failed',
        );
        throw new ProviderError(
          'NO_NUMBERS',
          `5sim: got ${order.phone} (order ${order.ref}, ${canceled}), excluded by prefix ${excluded}`,
          { providerCode: 'EXCLUDED_PREFIX' },
        );
      }
      return { ref: order.ref, phone: order.phone, operator: order.operator, cost: order.cost };
    },

    async getStatus(ref: string): Promise<ActivationStatus> {
      return orderStatus(await orderAction('check', ref));
    },

    async listActive(): Promise<ActivationStatus[]> {
      const open = new Map<string, ActivationStatus>();
      for (let page = 0; page < ORDERS_MAX_PAGES; page++) {
        const offset = page * ORDERS_PAGE_SIZE;
        const query = {
          category: 'activation',
          limit: String(ORDERS_PAGE_SIZE),
          offset: String(offset),
          order: 'id',
          reverse: 'true',
        };
        const { orders, total } = parseOrderList(await call('user/orders', query));
        const openHere = orders.filter(isOpenOrder);
        for (const order of openHere) open.set(order.ref, orderStatus(order));
        // Newest first and activations live 15 minutes: a page with nothing open means the rest is closed.
        const last = orders.length < ORDERS_PAGE_SIZE || offset + orders.length >= total;
        if (last || openHere.length === 0) break;
      }
      return [...open.values()];
    },

    async requestAnotherSms(ref: string) {
      orderId(ref);
    },

    async finish(ref: string) {
      await orderAction('finish', ref);
    },

    async cancel(ref: string) {
      await orderAction('cancel', ref);
    },
  };
}
