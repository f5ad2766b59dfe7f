/**
 * The provider port: the one interface every upstream (handler-protocol clones, 5SIM, later SIM banks)
 * implements. Adapters translate wire formats and provider codes into numpool's ids and typed errors;
 * routing, health and money never see a provider's wire format.
 *
 * Failure semantics: every call either resolves with parsed data or rejects with a ProviderError whose
 * kind tells the router what to do (next candidate, open the circuit, give up). A call that timed out
 * after sending may still have taken effect upstream (kind TIMEOUT): callers must treat it as unknown.
 */
import type { CatalogCodes } from '../catalog/catalog-codes.ts';
import type { ProviderCurrency } from '../pricing/currency.ts';

export const PROVIDER_ERROR_KINDS = [
  /** No number available for this request (try another provider). */
  'NO_NUMBERS',
  /** Our account at the provider has no money. */
  'NO_BALANCE',
  /** The provider refused our credentials. */
  'BAD_KEY',
  /** No answer in time; the effect upstream is unknown. */
  'TIMEOUT',
  /** Connection refused/reset, 5xx, rate limited: the provider is unavailable right now. */
  'UNAVAILABLE',
  /** The answer could not be understood (garbage, unexpected shape). */
  'PROTOCOL',
  /** The provider rejected the request itself (bad service, country, operator, status, price). */
  'BAD_REQUEST',
  /** The activation is unknown to the provider. */
  'NOT_FOUND',
  /** Cancel refused because the provider's early-cancel window has not passed. */
  'EARLY_CANCEL',
  /** The activation's state does not allow the action (e.g. cancel after an SMS). */
  'CONFLICT',
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  /** The provider's own error token when there was one (e.g. NO_NUMBERS, "no free phones"). */
  readonly providerCode: string | undefined;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { providerCode?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.providerCode = options.providerCode;
  }
}

/** Kinds that count against a provider's health (circuit breaker); the others are answers, not failures. */
export function isHealthFailure(kind: ProviderErrorKind): boolean {
  return kind === 'TIMEOUT' || kind === 'UNAVAILABLE' || kind === 'PROTOCOL';
}

export type { CatalogCodes, ProviderCurrency };

/** One offer: numpool's country × platform (× operator) at a provider cost with a stock count. */
export interface ProviderOffer {
  countryId: number;
  platformId: number;
  /** The provider's operator code; null means "any operator". */
  operator: string | null;
  /** Decimal string in the provider's currency, e.g. "0.25". Never a float. */
  cost: string;
  available: number;
}

export interface OfferList {
  offers: ProviderOffer[];
  /** Provider codes (countries, services, operators) that numpool does not know; logged and skipped. */
  unknownCodes: string[];
}

export interface AcquireRequest {
  countryId: number;
  platformId: number;
  /** Operator code at this provider; null/undefined = any. */
  operator?: string | null | undefined;
  /** Highest acceptable cost, decimal string in the provider's currency. */
  maxCost?: string | undefined;
  /** Phone prefixes (digits, with country code) the number must not start with. */
  excludePrefixes?: string[] | undefined;
}

export interface AcquiredNumber {
  /** The provider's activation id, as text. */
  ref: string;
  /** Digits only, with country code, no "+". */
  phone: string;
  operator: string | null;
  /** What the provider says it charged, when it says (decimal string, provider currency). */
  cost: string | undefined;
}

export interface ProviderSms {
  text: string;
  /** The code as the provider extracted it, when it did. */
  code: string | null;
  receivedAt: Date | null;
}

export type ActivationState =
  | 'WAITING'
  | 'RECEIVED'
  | 'WAITING_RETRY'
  | 'CANCELED'
  | 'FINISHED'
  | 'TIMEOUT'
  | 'BANNED';

export interface ActivationStatus {
  ref: string;
  state: ActivationState;
  /** Every SMS the provider reports for this activation, oldest first (may be only the latest). */
  messages: ProviderSms[];
}

export interface ProviderBalance {
  amount: string;
  currency: ProviderCurrency;
}

export interface ProviderAdapter {
  /** 'handler' | 'fivesim' … */
  readonly kind: string;
  getBalance(): Promise<ProviderBalance>;
  /** Prices and stock, optionally narrowed to one country and/or platform. */
  listOffers(filter?: { countryId?: number; platformId?: number }): Promise<OfferList>;
  /** Operator codes per country, when the provider exposes them. */
  listOperators(countryId: number): Promise<string[]>;
  acquireNumber(request: AcquireRequest): Promise<AcquiredNumber>;
  getStatus(ref: string): Promise<ActivationStatus>;
  /** Every activation still open at the provider, with its state: one call for a batched poll. */
  listActive(): Promise<ActivationStatus[]>;
  requestAnotherSms(ref: string): Promise<void>;
  finish(ref: string): Promise<void>;
  cancel(ref: string): Promise<void>;
}

export interface AdapterOptions {
  baseUrl: string;
  /** API key (handler) or bearer token (5SIM). */
  credential: string;
  currency: ProviderCurrency;
  codes: CatalogCodes;
  /** Per-request timeout. */
  timeoutMs: number;
}
