/**
 * ProviderAdapter for the SMS-Activate handler protocol family (SMS-Activate, HeroSMS, VAK-SMS, SMSHub…).
 *
 * Clones differ in which optional actions they serve, so the adapter learns instead of guessing: it buys
 * with getNumberV2 (which reports cost and operator) and falls back to getNumber for good once a provider
 * answers BAD_ACTION; it reads SMS text with getFullSms (vanilla) or getStatusV2 (HeroSMS). The dialect
 * only picks where that search starts; errors are decoded tolerantly in every dialect because clones mix
 * plain-text and JSON errors (see handler-errors.ts).
 */
import Big from 'big.js';
import {
  type AcquiredNumber,
  type AcquireRequest,
  type ActivationStatus,
  type AdapterOptions,
  type ProviderAdapter,
  ProviderError,
  type ProviderSms,
} from '../port.ts';
import { digitPrefixes, requestedOperator } from '../transport/request-values.ts';
import { malformed, readDecimal, readId } from '../transport/wire-values.ts';
import { callHandler, type HandlerParams } from './handler-call.ts';
import { parseAccessNumber, parseNumberV2 } from './handler-number.ts';
import { type OfferFilter, parseHandlerOperators, parseHandlerPrices } from './handler-prices.ts';
import {
  isOpen,
  parseActiveActivations,
  parseFullSms,
  parseStatusLine,
  parseStatusV2Sms,
} from './handler-status.ts';

export type HandlerDialect = 'auto' | 'plain' | 'json';

export interface HandlerAdapterOptions extends AdapterOptions {
  /** 'plain': vanilla SMS-Activate clones; 'json': HeroSMS-style; 'auto' (default): find out. */
  dialect?: HandlerDialect;
}

type SmsTextAction = 'getFullSms' | 'getStatusV2';

const ACTIVE_PAGE_SIZE = 100;
const ACTIVE_MAX_PAGES = 20;

function isProviderCode(error: unknown, code: string): boolean {
  return error instanceof ProviderError && error.providerCode === code;
}

function activationId(ref: string): string {
  const id = readId(ref);
  if (id === undefined)
    throw new ProviderError('NOT_FOUND', `handler: ${JSON.stringify(ref)} is not an activation id`);
  return id;
}

export function createHandlerAdapter(options: HandlerAdapterOptions): ProviderAdapter {
  const { codes } = options;
  const endpoint = { baseUrl: options.baseUrl, credential: options.credential, timeoutMs: options.timeoutMs };
  const call = (action: string, params?: HandlerParams) => callHandler(endpoint, action, params);

  // What this provider turned out to support (learned from BAD_ACTION answers).
  let numberV2 = true;
  let smsTextActions: SmsTextAction[] =
    options.dialect === 'json' ? ['getStatusV2', 'getFullSms'] : ['getFullSms', 'getStatusV2'];

  async function smsText(id: string): Promise<{ text: string | null; receivedAt: Date | null }> {
    for (const action of smsTextActions) {
      try {
        const body = await call(action, { id });
        if (action === 'getFullSms') return { text: parseFullSms(body), receivedAt: null };
        const sms = parseStatusV2Sms(body);
        return { text: sms?.text || null, receivedAt: sms?.receivedAt ?? null };
      } catch (error) {
        if (!isProviderCode(error, 'BAD_ACTION')) throw error;
        smsTextActions = smsTextActions.filter((a) => a !== action);
      }
    }
    return { text: null, receivedAt: null };
  }

  async function setStatus(ref: string, status: '3' | '6' | '8', expected: string): Promise<void> {
    const body = await call('setStatus', { id: activationId(ref), status });
    if (body.text !== expected) throw malformed(`handler setStatus ${status}`, expected, body.text);
  }

  function acquireParams(request: AcquireRequest): HandlerParams {
    const service = codes.handlerCodeByPlatform.get(request.platformId);
    if (service === undefined) {
      throw new ProviderError('BAD_REQUEST', `handler: platform ${request.platformId} has no handler code`);
    }
    if (!codes.countryIds.has(request.countryId)) {
      throw new ProviderError('BAD_REQUEST', `handler: unknown country ${request.countryId}`);
    }
    const maxPrice = request.maxCost === undefined ? undefined : readDecimal(request.maxCost);
    if (request.maxCost !== undefined && maxPrice === undefined) {
      throw new ProviderError(
        'BAD_REQUEST',
        `handler: maxCost ${JSON.stringify(request.maxCost)} is not a decimal`,
      );
    }
    const prefixes = digitPrefixes(request.excludePrefixes);
    return {
      service,
      country: String(request.countryId),
      operator: requestedOperator(request.operator) ?? undefined,
      maxPrice,
      phoneException: prefixes.length > 0 ? prefixes.join(',') : undefined,
    };
  }

  return {
    kind: 'handler',

    async getBalance() {
      const body = await call('getBalance');
      const match = /^ACCESS_BALANCE:(-?\d{1,30}(?:\.\d{1,30})?)$/.exec(body.text);
      if (!match) throw malformed('handler getBalance', 'ACCESS_BALANCE:<amount>', body.text);
      return { amount: new Big(match[1]!).toFixed(), currency: options.currency };
    },

    async listOffers(filter: OfferFilter = {}) {
      const service =
        filter.platformId === undefined ? undefined : codes.handlerCodeByPlatform.get(filter.platformId);
      if (filter.platformId !== undefined && service === undefined) return { offers: [], unknownCodes: [] };
      const country = filter.countryId === undefined ? undefined : String(filter.countryId);
      return parseHandlerPrices(await call('getPrices', { service, country }), codes, filter);
    },

    async listOperators(countryId: number) {
      try {
        return parseHandlerOperators(await call('getOperators', { country: String(countryId) }), countryId);
      } catch (error) {
        if (isProviderCode(error, 'OPERATORS_NOT_FOUND')) return [];
        throw error;
      }
    },

    async acquireNumber(request: AcquireRequest): Promise<AcquiredNumber> {
      const params = acquireParams(request);
      const operator = requestedOperator(request.operator);
      if (numberV2) {
        try {
          return parseNumberV2(await call('getNumberV2', params), operator);
        } catch (error) {
          if (!isProviderCode(error, 'BAD_ACTION')) throw error;
          numberV2 = false;
        }
      }
      return parseAccessNumber(await call('getNumber', params), operator);
    },

    async getStatus(ref: string): Promise<ActivationStatus> {
      const id = activationId(ref);
      const line = parseStatusLine(await call('getStatus', { id }));
      // STATUS_OK may come without a code (the provider could not extract one): the text still matters.
      if (line.code === null && line.state !== 'RECEIVED')
        return { ref: id, state: line.state, messages: [] };
      const full = await smsText(id);
      const text = full.text ?? line.code;
      if (text === null) return { ref: id, state: line.state, messages: [] };
      const sms: ProviderSms = { text, code: line.code, receivedAt: full.receivedAt };
      return { ref: id, state: line.state, messages: [sms] };
    },

    async listActive(): Promise<ActivationStatus[]> {
      const listed = new Map<string, ActivationStatus>();
      for (let page = 0; page < ACTIVE_MAX_PAGES; page++) {
        const start = String(page * ACTIVE_PAGE_SIZE);
        let activations: ActivationStatus[];
        try {
          const params = { start, limit: String(ACTIVE_PAGE_SIZE) };
          activations = parseActiveActivations(await call('getActiveActivations', params));
        } catch (error) {
          if (isProviderCode(error, 'NO_ACTIVATIONS')) break;
          throw error;
        }
        const before = listed.size;
        for (const activation of activations) listed.set(activation.ref, activation);
        // A short page is the last; a page with nothing new means the provider ignores `start`.
        if (activations.length < ACTIVE_PAGE_SIZE || listed.size === before) break;
      }
      return [...listed.values()].filter((activation) => isOpen(activation.state));
    },

    requestAnotherSms: (ref: string) => setStatus(ref, '3', 'ACCESS_RETRY_GET'),
    finish: (ref: string) => setStatus(ref, '6', 'ACCESS_ACTIVATION'),
    cancel: (ref: string) => setStatus(ref, '8', 'ACCESS_CANCEL'),
  };
}
